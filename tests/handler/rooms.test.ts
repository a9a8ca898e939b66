/**
 * Room lookups: `GET /v2/room/{id_or_name}` ("Get room") and v1's `GET /v1/rooms/show?room_id=`,
 * answered from the configured rooms in HipChat's shapes, with links on the configured hostname
 * (PUBLIC_HOSTNAME) and the scheme the client used, never the request's Host header. Unknown rooms
 * are HipChat's 404; a room-scoped token sees only its rooms (403 elsewhere). Nothing reaches Slack.
 *
 * Through the whole Lambda handler (createLambdaHandler), as the stack configures it.
 */
import type { ALBEvent } from "aws-lambda";
import type { AlbHandler } from "../../handler";
import { stableRoomId } from "../../handler/settings";
import { albEvent, type HeaderForm } from "../support/albEvents";
import { v1RoomBody, v2RoomBody } from "../support/roomBodies";
import { captureStdout, lambdaContext, startLambdaRig, type LambdaRig, type StdoutCapture } from "../support/lambdaRig";

const ADMIN = "rooms-admin-token-0123456789";
const OPS_ONLY = "rooms-ops-only-token-0123";
const HOST = "hipchat.example.com";
const OPS_ID = stableRoomId("Ops");

let rig: LambdaRig;
let handler: AlbHandler;
let stdout: StdoutCapture;
beforeAll(async () => {
  rig = await startLambdaRig({
    hipchatTokens: [{ token: ADMIN }, { token: OPS_ONLY, rooms: ["Ops"] }],
    env: {
      ROOM_CHANNELS: JSON.stringify({ Ops: "#ops", "1234": "#deploys", "Build Room": { channel: "C0123ABCD", id: 7 } }),
      DEFAULT_CHANNEL: "#hipchat",
      PUBLIC_HOSTNAME: HOST,
    },
  });
  stdout = captureStdout();
  handler = rig.coldStart();
});
afterAll(async () => {
  stdout?.restore();
  await rig?.close();
});
afterEach(() => {
  // Read calls never reach Slack.
  expect(rig.slack.calls).toHaveLength(0);
});

const invoke = (event: ALBEvent) => handler(event, lambdaContext(10_000));
const json = (r: { body?: string }) => JSON.parse(r.body ?? "null");
/** As the ALB delivers an HTTPS request, with a Host header the client chose. */
const get = (url: string, headerForm: HeaderForm = "single", proto = "https") =>
  albEvent({ method: "GET", url, headers: { host: "attacker.example", "x-forwarded-proto": proto }, headerForm });

const v2Room = (id: number, name: string, slug: string, base = `https://${HOST}`) =>
  v2RoomBody(id, name, slug, HOST, base);
const v1Room = (id: number, name: string, slug: string) => v1RoomBody(id, name, slug, HOST);

const NOT_FOUND = { error: { code: 404, message: "Room not found", type: "Not Found" } };

describe.each<HeaderForm>(["single", "multi"])("GET /v2/room/{id_or_name} (%s-value headers)", (headerForm) => {
  it.each([
    ["its name", "Ops"],
    ["its name in another case", "oPS"],
    ["its id", String(OPS_ID)],
  ])("by %s → 200, the room as HipChat described it, links on the configured hostname", async (_n, room) => {
    const res = await invoke(get(`/v2/room/${room}?auth_token=${ADMIN}`, headerForm));
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual(v2Room(OPS_ID, "Ops", "ops"));
  });

  it("a room configured with an id and a name with a space (URL-encoded)", async () => {
    const res = await invoke(get(`/v2/room/Build%20Room?auth_token=${ADMIN}`, headerForm));
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual(v2Room(7, "Build Room", "build_room"));
  });

  it("links follow the scheme the client used (X-Forwarded-Proto), still on the configured hostname", async () => {
    const res = await invoke(get(`/v2/room/1234?auth_token=${ADMIN}`, headerForm, "http"));
    expect(json(res)).toEqual(v2Room(1234, "1234", "1234", `http://${HOST}`));
  });

  it("an unknown room → HipChat's 404, even with a default channel", async () => {
    const res = await invoke(get(`/v2/room/Nowhere?auth_token=${ADMIN}`, headerForm));
    expect(res.statusCode).toBe(404);
    expect(json(res)).toEqual(NOT_FOUND);
  });

  it("a room-scoped token: its room 200, another room 403, an unknown room 403", async () => {
    expect((await invoke(get(`/v2/room/ops?auth_token=${OPS_ONLY}`, headerForm))).statusCode).toBe(200);
    for (const other of ["1234", "Nowhere"]) {
      const res = await invoke(get(`/v2/room/${other}?auth_token=${OPS_ONLY}`, headerForm));
      expect(res.statusCode).toBe(403);
      expect(json(res)).toEqual({ error: { code: 403, message: expect.any(String), type: "Forbidden" } });
    }
  });

  it("a bad token → 401", async () => {
    const res = await invoke(get("/v2/room/Ops?auth_token=wrong-token-0000", headerForm));
    expect(res.statusCode).toBe(401);
  });

  it("auth_test=true → 202", async () => {
    const res = await invoke(get(`/v2/room/Ops?auth_test=true&auth_token=${ADMIN}`, headerForm));
    expect(res.statusCode).toBe(202);
  });
});

describe.each<HeaderForm>(["single", "multi"])("GET /v1/rooms/show (%s-value headers)", (headerForm) => {
  it.each([
    ["name", "Ops"],
    ["id", String(OPS_ID)],
  ])("by %s → {room: …} in v1's shape", async (_n, roomId) => {
    const res = await invoke(get(`/v1/rooms/show?room_id=${roomId}&auth_token=${ADMIN}`, headerForm));
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ room: { ...v1Room(OPS_ID, "Ops", "ops"), participants: [] } });
  });

  it("a name with a space, encoded as a form value", async () => {
    const res = await invoke(get(`/v1/rooms/show?room_id=Build+Room&auth_token=${ADMIN}`, headerForm));
    expect(json(res)).toEqual({ room: { ...v1Room(7, "Build Room", "build_room"), participants: [] } });
  });

  it("an unknown room → 404; no room_id → 400 naming it", async () => {
    const unknown = await invoke(get(`/v1/rooms/show?room_id=Nowhere&auth_token=${ADMIN}`, headerForm));
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown)).toEqual(NOT_FOUND);
    const missing = await invoke(get(`/v1/rooms/show?auth_token=${ADMIN}`, headerForm));
    expect(missing.statusCode).toBe(400);
    expect(json(missing)).toEqual({ error: { code: 400, message: "Field room_id is required", type: "Bad Request" } });
  });

  it("a room-scoped token: its room 200, another 403", async () => {
    expect((await invoke(get(`/v1/rooms/show?room_id=Ops&auth_token=${OPS_ONLY}`, headerForm))).statusCode).toBe(200);
    expect((await invoke(get(`/v1/rooms/show?room_id=1234&auth_token=${OPS_ONLY}`, headerForm))).statusCode).toBe(403);
  });
});

describe("listings link to the configured hostname, not the Host header", () => {
  it("GET /v2/room", async () => {
    const res = await invoke(get(`/v2/room?max-results=1&start-index=1&auth_token=${ADMIN}`));
    const page = json(res);
    expect(page.links).toEqual({
      self: `https://${HOST}/v2/room`,
      next: `https://${HOST}/v2/room?start-index=2&max-results=1`,
      prev: `https://${HOST}/v2/room?start-index=0&max-results=1`,
    });
    // Configured order, with numeric keys first (as a JSON object keeps them): 1234, Ops, Build Room.
    expect(page.items).toEqual([
      {
        id: OPS_ID,
        name: "Ops",
        privacy: "public",
        is_archived: false,
        version: "1",
        links: {
          self: `https://${HOST}/v2/room/${OPS_ID}`,
          participants: `https://${HOST}/v2/room/${OPS_ID}/participant`,
          webhooks: `https://${HOST}/v2/room/${OPS_ID}/webhook`,
        },
      },
    ]);
  });

  it("GET /v1/rooms/list lists rooms in the same v1 shape as rooms/show", async () => {
    const res = await invoke(get(`/v1/rooms/list?auth_token=${ADMIN}`));
    expect(json(res)).toEqual({
      rooms: [v1Room(1234, "1234", "1234"), v1Room(OPS_ID, "Ops", "ops"), v1Room(7, "Build Room", "build_room")],
    });
  });
});

describe("PUBLIC_HOSTNAME", () => {
  it("unset: links point at localhost, never at the Host header", async () => {
    const h = rig.coldStart({ PUBLIC_HOSTNAME: undefined });
    const res = await h(get(`/v2/room/Ops?auth_token=${ADMIN}`), lambdaContext(10_000));
    expect(json(res).links.self).toBe(`https://localhost/v2/room/${OPS_ID}`);
  });

  it("with a port", async () => {
    const h = rig.coldStart({ PUBLIC_HOSTNAME: "proxy.internal:8443" });
    const res = await h(get(`/v2/room/Ops?auth_token=${ADMIN}`), lambdaContext(10_000));
    expect(json(res).links.self).toBe(`https://proxy.internal:8443/v2/room/${OPS_ID}`);
    expect(json(res).xmpp_jid).toBe(`${OPS_ID}_ops@conf.proxy.internal`);
  });

  it.each(["https://x.example", "a b", "x.example/path", "host:port"])(
    "%j is refused at cold start: every request gets a 503 naming the setting",
    async (value) => {
      const h = rig.coldStart({ PUBLIC_HOSTNAME: value });
      const res = await h(get(`/v2/room/Ops?auth_token=${ADMIN}`), lambdaContext(10_000));
      expect(res.statusCode).toBe(503);
      expect(json(res).error.message).toMatch(/PUBLIC_HOSTNAME/);
    },
  );
});

describe("auth_test=true on the listings answers 202 like every other call, and lists nothing", () => {
  const ACCEPTED = {
    success: { code: 202, type: "Accepted", message: "This auth_token has access to use this method." },
  };
  it.each<[string, HeaderForm]>([
    ["/v2/room", "single"],
    ["/v2/room", "multi"],
    ["/v1/rooms/list", "single"],
    ["/v1/rooms/list", "multi"],
  ])("GET %s (%s-value headers)", async (path, headerForm) => {
    for (const token of [ADMIN, OPS_ONLY]) {
      const res = await invoke(get(`${path}?auth_test=true&auth_token=${token}`, headerForm));
      expect(res.statusCode).toBe(202);
      expect(json(res)).toEqual(ACCEPTED);
    }
  });

  it("with a bad token it is still a 401", async () => {
    const res = await invoke(get("/v2/room?auth_test=true&auth_token=wrong-token-0000"));
    expect(res.statusCode).toBe(401);
  });

  it("auth_test=false lists as usual", async () => {
    const res = await invoke(get(`/v1/rooms/list?auth_test=false&auth_token=${ADMIN}`));
    expect(res.statusCode).toBe(200);
    expect(json(res).rooms).toHaveLength(3);
  });
});
