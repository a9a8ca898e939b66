/**
 * HipChat's answers (handler/hipchat/responses.ts), built directly: success bodies, the XMPP JID a
 * room gets from its name, message timestamps from Slack's `ts`, the scheme of `links`, paging links
 * and the rate-limit headers. docs/hipchat-api.md gives each shape.
 */
import { badRequest, ProxyError } from "../../handler/errors";
import {
  accepted,
  baseUrl,
  errorResponse,
  messageCreated,
  noContent,
  rateLimitHeaders,
  slackTsToIso,
  v1Ok,
  v1Room,
  v1RoomDetail,
  v1Sent,
  v2Room,
  v2RoomList,
} from "../../handler/hipchat/responses";
import { parseAlbEvent } from "../../handler/alb";
import type { Room } from "../../handler/settings";
import { albEvent } from "../support/albEvents";

const HOST = "hipchat-proxy.private.example.com";
const room = (id: number, name: string): Room => ({ id, name, channel: "#c" });
const JSON_TYPE = { "Content-Type": "application/json; charset=utf-8" };

describe("success bodies", () => {
  it.each<[string, () => unknown, unknown]>([
    ["204 without a body", noContent, { statusCode: 204, headers: {} }],
    [
      "auth_test → 202",
      accepted,
      {
        statusCode: 202,
        headers: JSON_TYPE,
        body: '{"success":{"code":202,"type":"Accepted","message":"This auth_token has access to use this method."}}',
      },
    ],
    ["v1 sent, JSON", () => v1Sent("json"), { statusCode: 200, headers: JSON_TYPE, body: '{"status":"sent"}' }],
    [
      "v1 sent, XML",
      () => v1Sent("xml"),
      {
        statusCode: 200,
        headers: { "Content-Type": "application/xml; charset=utf-8" },
        body: '<?xml version="1.0" encoding="utf-8"?>\n<response><status>sent</status></response>',
      },
    ],
    ["v1 ok", v1Ok, { statusCode: 200, headers: JSON_TYPE, body: '{"status":"ok"}' }],
    [
      "v2 message created",
      () => messageCreated("1700000000.000123"),
      {
        statusCode: 201,
        headers: JSON_TYPE,
        body: '{"id":"1700000000.000123","timestamp":"2023-11-14T22:13:20.000123+00:00"}',
      },
    ],
  ])("%s", (_name, build, expected) => {
    expect(build()).toEqual(expected);
  });

  it("an error in HipChat's shape, with the error's own headers", () => {
    const error = new ProxyError(429, "slow down", { headers: { "Retry-After": "3" } });
    expect(errorResponse(error)).toEqual({
      statusCode: 429,
      headers: { ...JSON_TYPE, "Retry-After": "3" },
      body: '{"error":{"code":429,"message":"slow down","type":"Too Many Requests"}}',
    });
    expect(errorResponse(badRequest("Field message is required")).headers).toEqual(JSON_TYPE);
  });
});

describe("a Slack ts is HipChat's ISO timestamp, to the microsecond", () => {
  it.each<[string, string]>([
    ["1700000000.000123", "2023-11-14T22:13:20.000123+00:00"],
    ["1700000000.123456", "2023-11-14T22:13:20.123456+00:00"],
    ["1700000000.5", "2023-11-14T22:13:20.500000+00:00"],
    ["1700000000.1234567", "2023-11-14T22:13:20.123456+00:00"],
    ["1700000000", "2023-11-14T22:13:20.000000+00:00"],
    ["1700000000.", "2023-11-14T22:13:20.000000+00:00"],
    ["not a ts", "1970-01-01T00:00:00.000Z"],
    ["1e400.1", "1970-01-01T00:00:00.000Z"],
  ])("%j → %s", (ts, iso) => {
    expect(slackTsToIso(ts)).toBe(iso);
  });
});

describe("a room's XMPP JID: its id and its name in lower case, on the proxy's hostname", () => {
  it.each<[string, Room, string, string]>([
    ["a plain name", room(1, "Ops"), HOST, `1_ops@conf.${HOST}`],
    ["spaces and punctuation become one underscore", room(2, "Build -- Room 2"), HOST, `2_build_room_2@conf.${HOST}`],
    ["leading and trailing ones are dropped", room(3, "  !Deploys! "), HOST, `3_deploys@conf.${HOST}`],
    ["a name without a letter or digit is room", room(4, "!!!"), HOST, `4_room@conf.${HOST}`],
    ["a name in another script is room", room(5, "日本"), HOST, `5_room@conf.${HOST}`],
    ["the hostname's port is left out", room(6, "Ops"), `${HOST}:8443`, `6_ops@conf.${HOST}`],
  ])("%s", (_name, r, host, jid) => {
    expect(v1Room(r, host).xmpp_jid).toBe(jid);
    expect(v1RoomDetail(r, host).room.xmpp_jid).toBe(jid);
    expect(v2Room(r, `https://${host}`, host).xmpp_jid).toBe(jid);
  });
});

describe("links use the scheme the client used, never the Host it sent", () => {
  it.each<[string, "http" | "https" | undefined, string]>([
    ["https", "https", `https://${HOST}`],
    ["http", "http", `http://${HOST}`],
  ])("%s", (_name, proto, base) => {
    expect(baseUrl(parseAlbEvent(albEvent({ url: "/v2/room", proto, host: "evil.example" })), HOST)).toBe(base);
  });

  it("an unknown X-Forwarded-Proto is http", () => {
    const req = parseAlbEvent(albEvent({ url: "/v2/room", headers: { "X-Forwarded-Proto": "HTTPS" } }));
    expect(baseUrl(req, HOST)).toBe(`http://${HOST}`);
  });
});

describe("a page of rooms links to the next and previous pages only where they exist", () => {
  const rooms = [1, 2, 3, 4, 5].map((id) => room(id, `R${id}`));
  const base = `https://${HOST}`;
  const page = (start: number, max: number) => `${base}/v2/room?start-index=${start}&max-results=${max}`;

  it.each<[string, number, number, number[], Record<string, string>]>([
    ["the first page", 0, 2, [1, 2], { next: page(2, 2) }],
    ["a middle page", 2, 2, [3, 4], { next: page(4, 2), prev: page(0, 2) }],
    ["the last page, full", 3, 2, [4, 5], { prev: page(1, 2) }],
    ["the last page, short", 4, 2, [5], { prev: page(2, 2) }],
    ["a page starting less than a page in: prev is the first", 1, 2, [2, 3], { next: page(3, 2), prev: page(0, 2) }],
    ["everything on one page", 0, 5, [1, 2, 3, 4, 5], {}],
  ])("%s", (_name, start, max, ids, links) => {
    const list = v2RoomList(rooms, start, max, base);
    expect(list.items.map((i) => i.id)).toEqual(ids);
    expect(list).toMatchObject({ startIndex: start, maxResults: max });
    expect(list.links).toEqual({ self: `${base}/v2/room`, ...links });
  });
});

describe("rate-limit headers", () => {
  it.each<[string, number, number, Record<string, string>]>([
    [
      "a free channel: one left, reset now",
      1_700_000_000_000,
      1_700_000_000_000,
      { remaining: "1", reset: "1700000000" },
    ],
    [
      "a free channel mid-second: reset rounds up",
      1_699_999_000_000,
      1_700_000_000_001,
      { remaining: "1", reset: "1700000001" },
    ],
    [
      "a paced channel: none left until its turn",
      1_700_000_002_500,
      1_700_000_000_000,
      { remaining: "0", reset: "1700000003" },
    ],
    ["a turn 1 ms ahead is paced", 1_700_000_000_001, 1_700_000_000_000, { remaining: "0", reset: "1700000001" }],
  ])("%s", (_name, turn, now, { remaining, reset }) => {
    expect(rateLimitHeaders(turn, now)).toEqual({
      "X-Ratelimit-Limit": "1",
      "X-Ratelimit-Remaining": remaining,
      "X-Ratelimit-Reset": reset,
    });
  });
});
