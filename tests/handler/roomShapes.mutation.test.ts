/**
 * The room bodies HipChat clients read (`GET /v2/room`, "Get room", `/v1/rooms/list`, `/v1/rooms/show`),
 * whole: every field HipChat returned is there with the value the proxy can honestly give (public,
 * not archived, no guests, owned by the proxy), and every link is built from the proxy's base URL.
 * Clients index into these (`room.links.participants`, `owner.mention_name`), so a missing or renamed
 * field breaks them as surely as a wrong status.
 */
import { v1Room, v1RoomDetail, v2Room, v2RoomItem, v2RoomList } from "../../handler/hipchat/responses";
import type { Room } from "../../handler/settings";
import { v1RoomBody, v2RoomBody } from "../support/roomBodies";

const HOST = "hipchat-proxy.private.example.com";
const BASE = `https://${HOST}`;
const OPS: Room = { id: 7, name: "Ops Room", channel: "#ops" };

const v2Links = (id: number) => ({
  self: `${BASE}/v2/room/${id}`,
  participants: `${BASE}/v2/room/${id}/participant`,
  webhooks: `${BASE}/v2/room/${id}/webhook`,
});

describe("room bodies", () => {
  it("a GET /v2/room item", () => {
    expect(v2RoomItem(OPS, BASE)).toStrictEqual({
      id: 7,
      name: "Ops Room",
      privacy: "public",
      is_archived: false,
      version: "1",
      links: v2Links(7),
    });
  });

  it("Get room (GET /v2/room/{id}), the port left out of the XMPP domain", () => {
    expect(v2Room(OPS, BASE, `${HOST}:8443`)).toStrictEqual(v2RoomBody(7, "Ops Room", "ops_room", HOST));
  });

  it("a /v1/rooms/list room, and /v1/rooms/show", () => {
    const v1 = v1RoomBody(7, "Ops Room", "ops_room", HOST);
    expect(v1Room(OPS, HOST)).toStrictEqual(v1);
    expect(v1RoomDetail(OPS, HOST)).toStrictEqual({ room: { ...v1, participants: [] } });
  });

  it("a GET /v2/room page holds the page's items with their links", () => {
    const rooms: Room[] = [OPS, { id: 8, name: "Dev", channel: "#dev" }];
    expect(v2RoomList(rooms, 0, 1, BASE)).toStrictEqual({
      items: [v2RoomItem(OPS, BASE)],
      startIndex: 0,
      maxResults: 1,
      links: { self: `${BASE}/v2/room`, next: `${BASE}/v2/room?start-index=1&max-results=1` },
    });
  });
});
