import { fromAlbResult, toAlbEvent } from "../../local/albEvent";

const raw = (over: Partial<Parameters<typeof toAlbEvent>[0]> = {}) => ({
  method: "post",
  url: "/v2/room/a%20b/notification?auth_token=a%40b&x=1&x=2",
  rawHeaders: [
    "Host",
    "localhost:8080",
    "Content-Type",
    "application/x-www-form-urlencoded",
    "X-Forwarded-For",
    "10.1.1.1",
  ],
  body: Buffer.from("message=hi"),
  remoteAddress: "::ffff:127.0.0.1",
  localPort: 8080,
  ...over,
});

describe("toAlbEvent (as the ALB builds events)", () => {
  it("base64-encodes form bodies, keeps the query encoded, lower-cases headers, adds the ALB's headers", () => {
    const e = toAlbEvent(raw(), false);
    expect(e.httpMethod).toBe("POST");
    expect(e.path).toBe("/v2/room/a%20b/notification");
    expect(e.isBase64Encoded).toBe(true);
    expect(Buffer.from(e.body!, "base64").toString()).toBe("message=hi");
    expect(e.queryStringParameters).toEqual({ auth_token: "a%40b", x: "2" });
    expect(e.headers).toMatchObject({
      host: "localhost:8080",
      "x-forwarded-for": "10.1.1.1, 127.0.0.1",
      "x-forwarded-port": "8080",
      "x-forwarded-proto": "http",
    });
    expect(e.headers!["x-amzn-trace-id"]).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(e.requestContext.elb.targetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:/);
  });

  it.each(["application/json", "text/plain; charset=utf-8", "application/xml", "application/javascript"])(
    "passes %s bodies as text",
    (type) => {
      const e = toAlbEvent(raw({ rawHeaders: ["Content-Type", type], body: Buffer.from("{}") }), false);
      expect(e.isBase64Encoded).toBe(false);
      expect(e.body).toBe("{}");
    },
  );

  it("uses multi-value fields when the target group has them on", () => {
    const e = toAlbEvent(raw(), true);
    expect(e.multiValueQueryStringParameters).toEqual({ auth_token: ["a%40b"], x: ["1", "2"] });
    expect(e.multiValueHeaders!["content-type"]).toEqual(["application/x-www-form-urlencoded"]);
    expect(e.headers).toBeUndefined();
  });

  it.each(["__proto__", "constructor", "toString"])("keeps a query or header named %s as data", (key) => {
    const e = toAlbEvent(raw({ url: `/healthz?${key}=1`, rawHeaders: [key, "v"] }), true);
    expect(e.multiValueQueryStringParameters![key]).toEqual(["1"]);
    expect(e.multiValueHeaders![key.toLowerCase()]).toEqual(["v"]);
  });

  it("sends an empty body for GET", () => {
    const e = toAlbEvent(raw({ method: "GET", body: Buffer.alloc(0) }), false);
    expect(e).toMatchObject({ body: "", isBase64Encoded: false });
  });
});

describe("fromAlbResult", () => {
  it("drops hop-by-hop headers and decodes base64 bodies", () => {
    const out = fromAlbResult({
      statusCode: 200,
      multiValueHeaders: { "set-x": ["a", "b"], connection: ["close"] },
      body: Buffer.from("hi").toString("base64"),
      isBase64Encoded: true,
    });
    expect(out.headers).toEqual([
      ["set-x", "a"],
      ["set-x", "b"],
    ]);
    expect(out.body.toString()).toBe("hi");
  });
});
