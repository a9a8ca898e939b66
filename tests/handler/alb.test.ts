import type { ALBEvent } from "aws-lambda";
import { decodeQueryComponent, isAlbEvent, parseAlbEvent, toAlbResult } from "../../handler/alb";
import { albEvent, healthCheckEvent } from "../support/albEvents";

describe("parseAlbEvent", () => {
  it.each([
    ["single", "single" as const],
    ["multi", "multi" as const],
  ])("reads %s-value headers and queries, decoding what the ALB leaves encoded", (_n, headerForm) => {
    const req = parseAlbEvent(
      albEvent({
        url: "/v2/room/a%20b/notification?auth_token=a%40b&room=Build+Room&x=1",
        headers: { "X-Custom": "v" },
        json: { a: 1 },
        headerForm,
      }),
    );
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v2/room/a%20b/notification");
    expect(req.query.get("auth_token")).toEqual(["a@b"]);
    expect(req.query.get("room")).toEqual(["Build Room"]);
    expect(req.headers.get("x-custom")).toEqual(["v"]);
    expect(req.body().toString()).toBe('{"a":1}');
    expect(req.multiValue).toBe(headerForm === "multi");
  });

  it("keeps every value of a repeated key in multi-value form", () => {
    const req = parseAlbEvent(albEvent({ url: "/x?a=1&a=2", headerForm: "multi" }));
    expect(req.query.get("a")).toEqual(["1", "2"]);
  });

  it("decodes base64 bodies (form posts)", () => {
    const req = parseAlbEvent(albEvent({ url: "/v1/rooms/message", form: { message: "héllo & bye" } }));
    expect(req.body().toString("utf8")).toBe("message=h%C3%A9llo+%26+bye");
  });

  it.each([
    ["characters outside the alphabet", "@@@@"],
    ["impossible length", "abcde"],
  ])("refuses base64 with %s when the body is read", (_n, body) => {
    const event: ALBEvent = { ...albEvent({ url: "/x", form: { a: "b" } }), body };
    const req = parseAlbEvent(event);
    expect(() => req.body()).toThrow(expect.objectContaining({ statusCode: 400 }));
  });

  it("refuses bodies over 1 MB when the body is read", () => {
    const event = albEvent({ url: "/x", json: "x".repeat(1024 * 1024 + 1), contentType: "application/json" });
    const req = parseAlbEvent(event);
    expect(() => req.body()).toThrow(expect.objectContaining({ statusCode: 413 }));
  });

  it("decodes the body only when it is read, once", () => {
    const event = albEvent({ url: "/x", form: { a: "b" } });
    const req = parseAlbEvent({ ...event, body: "!!!" });
    expect(req.method).toBe("POST"); // parsing the event does not touch the body
    const good = parseAlbEvent(event);
    expect(good.body()).toBe(good.body());
  });

  it("reads the health checker's event", () => {
    const req = parseAlbEvent(healthCheckEvent());
    expect(req).toMatchObject({ method: "GET", path: "/healthz", multiValue: false });
    expect(req.body().length).toBe(0);
  });

  it("recognises ALB events", () => {
    expect(isAlbEvent(healthCheckEvent())).toBe(true);
    expect(isAlbEvent({ requestContext: { http: {} } })).toBe(false);
    expect(isAlbEvent(null)).toBe(false);
  });
});

describe("decodeQueryComponent", () => {
  it.each([
    ["a%40b", "a@b"],
    ["a+b", "a b"],
    ["100%", "100%"],
    ["%E2%9C%93ok%zz", "✓ok%zz"],
    ["%FF", "%FF"],
  ])("%s → %s", (input, output) => expect(decodeQueryComponent(input)).toBe(output));
});

describe("toAlbResult", () => {
  it("answers in the single-value form with a status description", () => {
    const r = toAlbResult({ statusCode: 204 }, false);
    expect(r).toEqual({
      statusCode: 204,
      statusDescription: "204 No Content",
      isBase64Encoded: false,
      body: "",
      headers: {},
    });
  });
  it("answers in the multi-value form when the event used it", () => {
    const r = toAlbResult({ statusCode: 200, headers: { "Content-Type": "application/json" }, body: "{}" }, true);
    expect(r.multiValueHeaders).toEqual({ "Content-Type": ["application/json"] });
    expect(r.headers).toBeUndefined();
  });
});
