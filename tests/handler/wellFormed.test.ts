import * as fc from "fast-check";
import { parseAlbEvent } from "../../handler/alb";
import { parseBody } from "../../handler/hipchat/body";
import { wellFormed, wellFormedDeep } from "../../handler/wellFormed";
import { albEvent } from "../support/albEvents";
import { multipartBody } from "./multipartBody";

describe("wellFormed", () => {
  it.each([
    ["hello\ud800", "hello\ufffd"],
    ["A\ud800B", "A\ufffdB"],
    ["\udc00\ud800", "\ufffd\ufffd"],
    ["\ud83d\ude00", "\ud83d\ude00"],
    ["\ude00\ud83d", "\ufffd\ufffd"],
    ["plain", "plain"],
  ])("%j → %j", (input, output) => expect(wellFormed(input)).toBe(output));

  it("is String.prototype.toWellFormed for any code units", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(wellFormed(s)).toBe((s as string & { toWellFormed(): string }).toWellFormed());
      }),
    );
  });
});

describe("wellFormedDeep", () => {
  it("cleans values and keys at any depth, arrays included, keeping the first of two keys that meet", () => {
    const doc = JSON.parse('{"a\\ud800":"x\\udc00","a\\ufffd":"kept","n":[1,"y\\ud800",{"k":"z\\udfff"}],"t":true}');
    expect(wellFormedDeep(doc)).toEqual({ "a\ufffd": "kept", n: [1, "y\ufffd", { k: "z\ufffd" }], t: true });
  });

  it("a __proto__ key stays data", () => {
    const doc = JSON.parse('{"__proto__":"p\\ud800","m":"x"}');
    const out = wellFormedDeep(doc) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toBe("p\ufffd");
  });
});

describe("at the edges where text enters", () => {
  const read = (event: ReturnType<typeof albEvent>) => parseBody(parseAlbEvent(event));
  it("JSON", async () => {
    expect(await read(albEvent({ url: "/x", json: '{"message":"a\\ud800b"}' }))).toEqual({ message: "a\ufffdb" });
  });
  it("a form (percent-encoded surrogates are not UTF-8: replaced too)", async () => {
    expect(await read(albEvent({ url: "/x", form: "message=a%ED%A0%80b" }))).toMatchObject({
      message: expect.not.stringMatching(/[\ud800-\udfff]/),
    });
  });
  it("multipart", async () => {
    expect(await read(albEvent({ url: "/x", ...multipartBody([["message", "m\ud800"]]) }))).toEqual({
      message: "m\ufffd",
    });
  });
  it("the query and the path", () => {
    const event = albEvent({ method: "GET", url: "/v2/room/a/notification" });
    event.queryStringParameters = { "k\ud800": "v\udc00" };
    const req = parseAlbEvent({ ...event, path: "/v2/room/a\ud800" });
    expect([...req.query]).toEqual([["k\ufffd", ["v\ufffd"]]]);
    expect(req.path).toBe("/v2/room/a\ufffd");
  });
});
