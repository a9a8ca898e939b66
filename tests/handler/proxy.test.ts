import { albEvent, healthCheckEvent, resultHeaders, type HeaderForm } from "../support/albEvents";
import { createHarness, TOKENS } from "../support/proxyHarness";

const body = (r: { body?: string }) => (r.body ? JSON.parse(r.body) : undefined);
const q = `auth_token=${TOKENS.admin}`;

describe.each<HeaderForm>(["single", "multi"])("HipChat API surface (%s-value headers)", (headerForm) => {
  describe("room notifications", () => {
    it.each([
      [
        "plain JSON, token in query",
        { url: `/v2/room/Ops/notification?${q}`, json: { message: "hi", message_format: "text" } },
        "#ops",
      ],
      [
        "Bearer header",
        {
          url: "/v2/room/Ops/notification",
          headers: { Authorization: `Bearer ${TOKENS.admin}` },
          json: { message: "hi" },
        },
        "#ops",
      ],
      [
        "token in JSON body",
        { url: "/v2/room/Ops/notification", json: { message: "hi", auth_token: TOKENS.admin } },
        "#ops",
      ],
      ["numeric room id", { url: `/v2/room/42/notification?${q}`, json: { message: "hi" } }, "#deploys"],
      ["room name in another case", { url: `/v2/room/OPS/notification?${q}`, json: { message: "hi" } }, "#ops"],
      [
        "URL-encoded room name (hipchat-rb)",
        { url: `/v2/room/my%20room/notification?${q}`, json: { message: "hi" } },
        "C0123ABCD",
      ],
      ["configured id of a named room", { url: `/v2/room/7/notification?${q}`, json: { message: "hi" } }, "C0123ABCD"],
      [
        "double slashes (Ansible api ending in /)",
        { url: `/v2//room/Ops/notification?${q}`, json: { message: "hi" } },
        "#ops",
      ],
      ["trailing slash", { url: `/v2/room/Ops/notification/?${q}`, json: { message: "hi" } }, "#ops"],
      [
        'unknown extra fields and from: ""',
        {
          url: `/v2/room/Ops/notification?${q}`,
          json: { message: "hi", from: "", room_id: "Ops", token: "x", extra: { a: 1 } },
        },
        "#ops",
      ],
      [
        "form-encoded v2 body (base64 from the ALB)",
        { url: `/v2/room/Ops/notification?${q}`, form: { message: "hi", notify: "1" } },
        "#ops",
      ],
      ["notify as string", { url: `/v2/room/Ops/notification?${q}`, json: { message: "hi", notify: "true" } }, "#ops"],
      [
        "encoded token in the query",
        { url: `/v2/room/Ops/notification?auth_token=${encodeURIComponent(TOKENS.admin)}`, json: { message: "hi" } },
        "#ops",
      ],
    ])("%s → 204 and one Slack post", async (_name, spec, channel) => {
      // Prepare
      const h = createHarness();
      // Act
      const res = await h.invoke(albEvent({ ...spec, headerForm }));
      // Assess
      expect(res.statusCode).toBe(204);
      expect(res.statusDescription).toBe("204 No Content");
      expect(res.body).toBe("");
      expect(h.sent).toHaveLength(1);
      expect(h.sent[0].message.channel).toBe(channel);
      expect(h.sent[0].token).toBe("xoxb-test");
      expect(headerForm === "multi" ? res.multiValueHeaders : res.headers).toBeDefined();
      expect(headerForm === "multi" ? res.headers : res.multiValueHeaders).toBeUndefined();
    });

    it("converts html by default and passes from, color and attach_to", async () => {
      const h = createHarness();
      const res = await h.invoke(
        albEvent({
          url: `/v2/room/Ops/notification?${q}`,
          json: { message: "<b>Build</b> passed", color: "green", from: "CI", attach_to: "1700000000.000100" },
          headerForm,
        }),
      );
      expect(res.statusCode).toBe(204);
      const m = h.sent[0].message;
      expect(m.username).toBe("CI");
      expect(m.thread_ts).toBe("1700000000.000100");
      expect(m.attachments?.[0].color).toBe("good");
      expect(JSON.stringify(m)).toContain("*Build* passed");
    });

    it("falls back to the default channel for unmapped rooms", async () => {
      const h = createHarness({ DEFAULT_CHANNEL: "#hipchat" });
      const res = await h.invoke(
        albEvent({ url: `/v2/room/Elsewhere/notification?${q}`, json: { message: "hi" }, headerForm }),
      );
      expect(res.statusCode).toBe(204);
      expect(h.sent[0].message.channel).toBe("#hipchat");
    });
  });

  it("room message answers 201 with id and timestamp from Slack's ts", async () => {
    const h = createHarness();
    const res = await h.invoke(
      albEvent({ url: `/v2/room/Ops/message?${q}`, json: { message: "hello @all" }, headerForm }),
    );
    expect(res.statusCode).toBe(201);
    expect(body(res)).toEqual({ id: "1700000000.000001", timestamp: "2023-11-14T22:13:20.000001+00:00" });
    expect(h.sent[0].message.text).toContain("<!channel>");
  });

  it("share/link answers 204 and posts the message and the link", async () => {
    const h = createHarness();
    const res = await h.invoke(
      albEvent({
        url: `/v2/room/Ops/share/link?${q}`,
        json: { message: "Look", link: "https://example.com/x" },
        headerForm,
      }),
    );
    expect(res.statusCode).toBe(204);
    expect(JSON.stringify(h.sent[0].message)).toContain("https://example.com/x");
  });

  describe("private messages", () => {
    it.each([
      ["email", "alice%40example.com", "U0ALICE01"],
      ["mention name with @", "%40bob", "U0BOB0001"],
      ["mention name without @", "bob", "U0BOB0001"],
      ["numeric id", "123", "U0CAROL01"],
    ])("by %s", async (_n, user, slackId) => {
      const h = createHarness();
      const res = await h.invoke(
        albEvent({ url: `/v2/user/${user}/message?${q}`, json: { message: "psst" }, headerForm }),
      );
      expect(res.statusCode).toBe(204);
      expect(h.sent[0].message.channel).toBe(slackId);
    });

    it("unknown users get a HipChat-shaped 404 and nothing is sent", async () => {
      const h = createHarness();
      const res = await h.invoke(
        albEvent({ url: `/v2/user/nobody%40example.com/message?${q}`, json: { message: "psst" }, headerForm }),
      );
      expect(res.statusCode).toBe(404);
      expect(body(res)).toEqual({ error: { code: 404, message: "User not found", type: "Not Found" } });
      expect(h.sent).toHaveLength(0);
    });
  });

  describe("v1 rooms/message", () => {
    it("form POST (base64 body) answers 200 sent", async () => {
      const h = createHarness();
      const res = await h.invoke(
        albEvent({
          url: `/v1/rooms/message?format=json&${q}`,
          form: {
            room_id: "Ops",
            from: "Jenkins",
            message: "Build <b>ok</b>",
            notify: "1",
            color: "green",
            message_format: "html",
          },
          headerForm,
        }),
      );
      expect(res.statusCode).toBe(200);
      expect(body(res)).toEqual({ status: "sent" });
      expect(h.sent[0].message).toMatchObject({ channel: "#ops", username: "Jenkins" });
    });

    it("GET with every field in the query", async () => {
      const h = createHarness();
      const res = await h.invoke(
        albEvent({
          method: "GET",
          url: `/v1/rooms/message?room_id=42&from=cron&message=Nightly+run+%40+02%3A00&message_format=text&${q}`,
          headerForm,
        }),
      );
      expect(res.statusCode).toBe(200);
      expect(h.sent[0].message.channel).toBe("#deploys");
      expect(h.sent[0].message.text).toContain("Nightly run @ 02:00");
    });

    it("format=xml answers in XML", async () => {
      const h = createHarness();
      const res = await h.invoke(
        albEvent({
          url: `/v1/rooms/message?format=xml&${q}`,
          form: { room_id: "Ops", from: "x", message: "hi" },
          headerForm,
        }),
      );
      expect(res.statusCode).toBe(200);
      expect(resultHeaders(res)["content-type"]).toMatch(/^application\/xml/);
      expect(res.body).toContain("<status>sent</status>");
    });

    it("a missing room_id is a 400 naming it", async () => {
      const h = createHarness({ DEFAULT_CHANNEL: "#all" });
      const res = await h.invoke(
        albEvent({ url: `/v1/rooms/message?${q}`, form: { from: "x", message: "hi" }, headerForm }),
      );
      expect(res.statusCode).toBe(400);
      expect(body(res).error.message).toMatch(/room_id/);
      expect(h.sent).toHaveLength(0);
    });

    it("token in the form body", async () => {
      const h = createHarness();
      const res = await h.invoke(
        albEvent({
          url: "/v1/rooms/message",
          form: { room_id: "Ops", from: "x", message: "hi", auth_token: TOKENS.admin },
          headerForm,
        }),
      );
      expect(res.statusCode).toBe(200);
    });
  });

  describe("room listings", () => {
    it("GET /v2/room lists configured rooms as items", async () => {
      const h = createHarness();
      const res = await h.invoke(albEvent({ url: `/v2/room?${q}`, headerForm }));
      expect(res.statusCode).toBe(200);
      const items = body(res).items as { id: number; name: string; links: { self: string } }[];
      expect(items.map((i) => i.name).sort()).toEqual(["42", "Ops", "my room"]);
      expect(items.find((i) => i.name === "my room")?.id).toBe(7);
      expect(items[0].links.self).toMatch(/^http:\/\/hipchat-proxy\.private\.example\.com\/v2\/room\/\d+$/);
    });

    it("a listed id routes back to the same room", async () => {
      const h = createHarness();
      const list = await h.invoke(albEvent({ url: `/v2/room?${q}`, headerForm }));
      const ops = (body(list).items as { id: number; name: string }[]).find((i) => i.name === "Ops")!;
      const res = await h.invoke(
        albEvent({ url: `/v2/room/${ops.id}/notification?${q}`, json: { message: "hi" }, headerForm }),
      );
      expect(res.statusCode).toBe(204);
      expect(h.sent[0].message.channel).toBe("#ops");
    });

    it("paginates with start-index and max-results", async () => {
      const h = createHarness();
      const res = await h.invoke(albEvent({ url: `/v2/room?start-index=1&max-results=1&${q}`, headerForm }));
      const page = body(res);
      expect(page.items).toHaveLength(1);
      expect(page.startIndex).toBe(1);
      expect(page.links.next).toContain("start-index=2");
      expect(page.links.prev).toContain("start-index=0");
    });

    it("GET /v1/rooms/list lists rooms; a room-scoped token sees only its rooms", async () => {
      const h = createHarness();
      const res = await h.invoke(albEvent({ url: `/v1/rooms/list?auth_token=${TOKENS.opsOnly}`, headerForm }));
      expect(res.statusCode).toBe(200);
      expect(body(res).rooms).toEqual([expect.objectContaining({ name: "Ops", room_id: expect.any(Number) })]);
    });
  });

  describe("auth", () => {
    it.each([
      ["no token", `/v2/room/Ops/notification`, {}, 401],
      ["unknown token", `/v2/room/Ops/notification?auth_token=nope-nope-nope`, {}, 401],
      ["malformed Authorization header", `/v2/room/Ops/notification`, { Authorization: "Basic abc" }, 401],
      ["room-scoped token on another room", `/v2/room/42/notification?auth_token=${TOKENS.opsOnly}`, {}, 403],
      ["room-scoped token on an unknown room", `/v2/room/Nope/notification?auth_token=${TOKENS.opsOnly}`, {}, 403],
      ["room-scoped token messaging a user", `/v2/user/bob/message?auth_token=${TOKENS.opsOnly}`, {}, 403],
    ])("%s → %s, nothing sent", async (_n, url, headers, status) => {
      const h = createHarness();
      const res = await h.invoke(albEvent({ url, headers, json: { message: "hi" }, headerForm }));
      expect(res.statusCode).toBe(status);
      expect(body(res).error.code).toBe(status);
      expect(h.sent).toHaveLength(0);
    });

    it("room-scoped token on its own room works", async () => {
      const h = createHarness();
      const res = await h.invoke(
        albEvent({
          url: `/v2/room/ops/notification?auth_token=${TOKENS.opsOnly}`,
          json: { message: "hi" },
          headerForm,
        }),
      );
      expect(res.statusCode).toBe(204);
    });

    it.each([
      [`/v2/room/Ops/notification?auth_test=true&${q}`, "POST"],
      [`/v1/rooms/message?auth_test=true&${q}`, "POST"],
      [`/v2/user/bob/message?auth_test=true&${q}`, "POST"],
    ])("auth_test=true on %s answers 202 and sends nothing", async (url, method) => {
      const h = createHarness();
      const res = await h.invoke(albEvent({ url, method, headerForm }));
      expect(res.statusCode).toBe(202);
      expect(h.sent).toHaveLength(0);
    });

    it("auth_test with a bad token is still 401", async () => {
      const h = createHarness();
      const res = await h.invoke(
        albEvent({
          url: "/v2/room/Ops/notification?auth_test=true&auth_token=wrong-token",
          method: "POST",
          headerForm,
        }),
      );
      expect(res.statusCode).toBe(401);
    });
  });

  describe("bad input gets a clear HipChat-shaped error and nothing is sent", () => {
    it.each([
      ["missing message", { message_format: "text" }, 400, /message is required/],
      ["empty message", { message: "" }, 400, /message/],
      ["message over 10000", { message: "x".repeat(10_001) }, 400, /message/],
      ["bad color", { message: "x", color: "blue" }, 400, /color/],
      ["bad format", { message: "x", message_format: "markdown" }, 400, /message_format/],
      ["bad notify", { message: "x", notify: "maybe" }, 400, /notify/],
      ["from over 64", { message: "x", from: "f".repeat(65) }, 400, /from/],
      ["card without title", { message: "x", card: { style: "link" } }, 400, /card.title/],
      ["message as a number", { message: 5 }, 400, /message/],
    ])("%s → %s", async (_n, json, status, pattern) => {
      const h = createHarness();
      const res = await h.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, json, headerForm }));
      expect(res.statusCode).toBe(status);
      expect(body(res).error).toEqual({ code: status, message: expect.stringMatching(pattern), type: "Bad Request" });
      expect(h.sent).toHaveLength(0);
    });

    it.each([
      ["malformed JSON", { body: "{not json", contentType: "application/json" }, 400],
      ["JSON array", { body: "[1,2]", contentType: "application/json" }, 400],
      ["unsupported content type", { body: "<x/>", contentType: "application/xml" }, 415],
    ])("%s → %s", async (_n, spec, status) => {
      const h = createHarness();
      const res = await h.invoke(albEvent({ url: `/v2/room/Ops/notification?${q}`, ...spec, headerForm }));
      expect(res.statusCode).toBe(status);
      expect(body(res).error.code).toBe(status);
    });

    it("invalid base64 body → 400", async () => {
      const h = createHarness();
      const event = albEvent({ url: `/v2/room/Ops/notification?${q}`, form: { message: "x" }, headerForm });
      event.body = "!!!not base64!!!";
      const res = await h.invoke(event);
      expect(res.statusCode).toBe(400);
      expect(body(res).error.message).toMatch(/base64/);
    });

    it("invalid UTF-8 → 400", async () => {
      const h = createHarness();
      const event = albEvent({ url: `/v2/room/Ops/notification?${q}`, form: { message: "x" }, headerForm });
      event.body = Buffer.from([0x6d, 0x3d, 0xff, 0xfe]).toString("base64");
      const res = await h.invoke(event);
      expect(res.statusCode).toBe(400);
      expect(body(res).error.message).toMatch(/UTF-8/);
    });

    it("a room name with control characters → 400", async () => {
      const h = createHarness({ DEFAULT_CHANNEL: "#all" });
      const res = await h.invoke(
        albEvent({ url: `/v2/room/a%00b/notification?${q}`, json: { message: "x" }, headerForm }),
      );
      expect(res.statusCode).toBe(400);
      expect(h.sent).toHaveLength(0);
    });

    it("an unmapped room without a default channel → 404 Room not found", async () => {
      const h = createHarness();
      const res = await h.invoke(
        albEvent({ url: `/v2/room/Nowhere/notification?${q}`, json: { message: "x" }, headerForm }),
      );
      expect(res.statusCode).toBe(404);
      expect(body(res).error.message).toBe("Room not found");
    });
  });

  describe("unsupported calls", () => {
    it.each([
      ["GET", "/v2/room/Ops/history", 404],
      ["POST", "/v2/room/Ops/reply", 404],
      ["GET", "/v2/room/Ops/notification", 405],
      ["DELETE", "/v1/rooms/message", 405],
      ["GET", "/", 404],
    ])("%s %s → %s, logged as unsupported", async (method, url, status) => {
      const h = createHarness();
      const res = await h.invoke(albEvent({ method, url: `${url}?${q}`, headerForm }));
      expect(res.statusCode).toBe(status);
      expect(body(res).error.code).toBe(status);
      expect(h.logs.at(-1)).toMatchObject({ msg: "request", unsupported: true, status });
      if (status === 405) expect(resultHeaders(res).allow).toBeDefined();
    });
  });
});

describe("health checks", () => {
  it("answer 200 without a token", async () => {
    const h = createHarness();
    const res = await h.invoke(healthCheckEvent());
    expect(res.statusCode).toBe(200);
    expect(res.statusDescription).toBe("200 OK");
  });
});

describe("logs", () => {
  it("one JSON line per request with route, room, channel, status and latency, and no token or body", async () => {
    const h = createHarness();
    await h.invoke(
      albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "secret body text", from: "CI" } }),
    );
    expect(h.logs).toHaveLength(1);
    expect(h.logs[0]).toMatchObject({
      msg: "request",
      route: "room.notification",
      room: "Ops",
      channel: "#ops",
      status: 204,
      method: "POST",
    });
    expect(typeof h.logs[0].latencyMs).toBe("number");
    const line = JSON.stringify(h.logs);
    expect(line).not.toContain(TOKENS.admin);
    expect(line).not.toContain("secret body text");
    expect(line).not.toContain("xoxb-test");
  });
});
