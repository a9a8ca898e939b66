/**
 * handler/hipchat/auth.ts, pinned where mutation testing (npm run mutate) found behaviour no other test
 * fixed: where a token is read and how it is trimmed, the Bearer header's exact form, which grant wins
 * for a token listed twice, and room scopes for configured and unconfigured rooms.
 */
import type { ProxyRequest } from "../../handler/alb";
import {
  authorizeRoom,
  authorizeUnscoped,
  bodyToken,
  canSeeRoom,
  requestToken,
  TokenAuthority,
} from "../../handler/hipchat/auth";
import type { Room } from "../../handler/settings";

const request = (headers: Record<string, string[]> = {}, query: Record<string, string[]> = {}): ProxyRequest => ({
  method: "POST",
  path: "/v2/room/Ops/notification",
  headers: new Map(Object.entries(headers)),
  query: new Map(Object.entries(query)),
  body: () => Buffer.alloc(0),
  multiValue: false,
});
const bearer = (value: string) => requestToken(request({ authorization: [value] }));

describe("the Authorization header", () => {
  it.each([
    ["Bearer tok-123", "tok-123"],
    ["bearer tok-123", "tok-123"],
    ["BEARER tok-123", "tok-123"],
    ["  Bearer \t tok-123  ", "tok-123"],
  ])("%j carries the token %j", (header, token) => {
    expect(bearer(header)).toBe(token);
  });

  it.each([
    "xBearer tok-123",
    "Bearer tok-123 junk",
    "Bearertok-123",
    "Bearer ",
    "Basic dXNlcjpwYXNz",
    "tok-123",
    "Token Bearer tok-123",
  ])("%j carries no token", (header) => {
    expect(bearer(header)).toBeUndefined();
  });

  it("only the first Authorization header counts", () => {
    expect(requestToken(request({ authorization: ["Basic abc", "Bearer tok-123"] }))).toBeUndefined();
    expect(requestToken(request({ authorization: ["Bearer tok-1", "Bearer tok-2"] }))).toBe("tok-1");
  });

  it("a Bearer token wins over the query's auth_token, and a malformed header falls back to the query", () => {
    expect(requestToken(request({ authorization: ["Bearer from-header"] }, { auth_token: ["from-query"] }))).toBe(
      "from-header",
    );
    expect(requestToken(request({ authorization: ["Bearer a b"] }, { auth_token: ["from-query"] }))).toBe("from-query");
  });
});

describe("auth_token in the query and the body", () => {
  it("is trimmed", () => {
    expect(requestToken(request({}, { auth_token: ["  tok-123 \t"] }))).toBe("tok-123");
    expect(bodyToken({ auth_token: " tok-123\n" })).toBe("tok-123");
  });

  it("a blank value is no token", () => {
    expect(requestToken(request({}, { auth_token: ["   "] }))).toBeUndefined();
    expect(requestToken(request({}, { auth_token: [""] }))).toBeUndefined();
    expect(bodyToken({ auth_token: " " })).toBeUndefined();
    expect(bodyToken({})).toBeUndefined();
  });

  it("only the query's first auth_token counts", () => {
    expect(requestToken(request({}, { auth_token: ["first-tok", "second-tok"] }))).toBe("first-tok");
  });

  it("a body field that is not a string is no token", () => {
    expect(bodyToken({ auth_token: 12345678 } as never)).toBeUndefined();
    expect(bodyToken({ auth_token: ["tok-123"] } as never)).toBeUndefined();
  });
});

describe("TokenAuthority", () => {
  const ops = new Set(["ops"]);

  it("no token is a 401 asking for one; an unknown token is a 401", () => {
    const authority = new TokenAuthority([{ token: "known-token" }]);
    expect(() => authority.authenticate(undefined)).toThrow(
      expect.objectContaining({
        statusCode: 401,
        message: "Authenticated requests only. Send an auth_token or a Bearer token.",
      }),
    );
    expect(() => authority.authenticate("other-token")).toThrow(
      expect.objectContaining({ statusCode: 401, message: "Invalid auth token" }),
    );
    expect(() => new TokenAuthority([]).authenticate("known-token")).toThrow(
      expect.objectContaining({ statusCode: 401 }),
    );
  });

  it("tokens are compared whole and case-sensitively", () => {
    const authority = new TokenAuthority([{ token: "known-token" }]);
    expect(authority.authenticate("known-token").rooms).toBeUndefined();
    for (const t of ["KNOWN-TOKEN", "known-toke", "known-token ", "known-tokenx"]) {
      expect(() => authority.authenticate(t)).toThrow(expect.objectContaining({ statusCode: 401 }));
    }
  });

  it("a token listed twice (a secret that does is refused as invalid) gets the grant listed first", () => {
    const scopedFirst = new TokenAuthority([{ token: "twice-token", rooms: ops }, { token: "twice-token" }]);
    expect(scopedFirst.authenticate("twice-token").rooms).toBe(ops);
    const unscopedFirst = new TokenAuthority([{ token: "twice-token" }, { token: "twice-token", rooms: ops }]);
    expect(unscopedFirst.authenticate("twice-token").rooms).toBeUndefined();
  });

  it("finds a token anywhere in the list", () => {
    const authority = new TokenAuthority([{ token: "first-token" }, { token: "last-token", rooms: ops }]);
    expect(authority.authenticate("last-token").rooms).toBe(ops);
    expect(authority.authenticate("first-token").rooms).toBeUndefined();
  });
});

describe("room scopes", () => {
  const scoped = new TokenAuthority([{ token: "scoped-token", rooms: new Set(["ops", "42"]) }]).authenticate(
    "scoped-token",
  );
  const unscoped = new TokenAuthority([{ token: "all-rooms-token" }]).authenticate("all-rooms-token");
  const room = (id: number, name: string): Room => ({ id, name, channel: "#c" });

  it("a configured room is allowed by its name (any case) or its id, and nothing else", () => {
    expect(() => authorizeRoom(scoped, room(7, "Ops"))).not.toThrow();
    expect(() => authorizeRoom(scoped, room(42, "Dev"))).not.toThrow();
    expect(() => authorizeRoom(scoped, room(7, "Dev"))).toThrow(
      expect.objectContaining({ statusCode: 403, message: "This token may not post to this room" }),
    );
  });

  it("a room listed under a key other than its name is allowed, and listed, by that key too", () => {
    const keyed: Room = { id: 9, name: "Operations", key: "Ops", channel: "#c" };
    expect(() => authorizeRoom(scoped, keyed)).not.toThrow();
    expect(canSeeRoom(scoped, keyed)).toBe(true);
    const unkeyed: Room = { id: 9, name: "Operations", channel: "#c" };
    expect(() => authorizeRoom(scoped, unkeyed)).toThrow(expect.objectContaining({ statusCode: 403 }));
    expect(canSeeRoom(scoped, unkeyed)).toBe(false);
  });

  it("an unconfigured room (the message would go to the default channel) is allowed only if the token names it", () => {
    expect(() => authorizeRoom(scoped, { requested: " OPS " })).not.toThrow();
    expect(() => authorizeRoom(scoped, { requested: "Marketing" })).toThrow(
      expect.objectContaining({ statusCode: 403 }),
    );
    // An unconfigured room is checked by the name the client sent, never by an id it does not have.
    expect(() => authorizeRoom(scoped, { requested: "7" })).toThrow(expect.objectContaining({ statusCode: 403 }));
  });

  it("an unscoped token may post to any room, configured or not", () => {
    expect(() => authorizeRoom(unscoped, room(7, "Dev"))).not.toThrow();
    expect(() => authorizeRoom(unscoped, { requested: "Marketing" })).not.toThrow();
  });

  it("a room-scoped token may not act outside rooms", () => {
    expect(() => authorizeUnscoped(scoped, "message users")).toThrow(
      expect.objectContaining({ statusCode: 403, message: "This token is limited to rooms and may not message users" }),
    );
    expect(() => authorizeUnscoped(unscoped, "message users")).not.toThrow();
  });

  it("listings show a scoped token its rooms only, by id or by name", () => {
    expect(canSeeRoom(unscoped, room(7, "Dev"))).toBe(true);
    expect(canSeeRoom(scoped, room(7, "OPS"))).toBe(true);
    expect(canSeeRoom(scoped, room(42, "Dev"))).toBe(true);
    expect(canSeeRoom(scoped, room(7, "Dev"))).toBe(false);
  });
});
