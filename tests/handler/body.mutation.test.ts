/**
 * Request bodies (handler/hipchat/body.ts): which content types are read and how, what an empty,
 * malformed, too deep or too large body gets, how multipart parts are taken or refused, and when the
 * body reader reads at all. Exact messages and boundaries, as docs/hipchat-api.md ("Requests") states
 * them: a client reads the message, and a limit is only pinned at its edge.
 */
import type { ALBResult } from "aws-lambda";
import { MAX_BODY_BYTES, parseAlbEvent, type ProxyRequest } from "../../handler/alb";
import { ProxyError } from "../../handler/errors";
import { createBodyReader, parseBody, parseForm } from "../../handler/hipchat/body";
import { albEvent, type EventSpec } from "../support/albEvents";
import { createHarness, TOKENS } from "../support/proxyHarness";
import { BOUNDARY, multipartBody, type Part } from "./multipartBody";

const read = (spec: Omit<EventSpec, "url">) =>
  parseBody(parseAlbEvent(albEvent({ url: "/x", method: "POST", ...spec })));

/** What a refused body is answered: the status and the message a client reads. */
async function refusal(body: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await body;
  } catch (err) {
    if (err instanceof ProxyError) return { status: err.statusCode, message: err.message };
    throw err;
  }
  throw new Error("the body was accepted");
}

const errorOf = (res: ALBResult) => JSON.parse(res.body ?? "{}") as { error: unknown };

const UNSUPPORTED = (type: string) =>
  `Unsupported content type "${type}": send JSON or a form (urlencoded or multipart)`;

describe("the content type decides how a body is read", () => {
  it.each<[string, string | undefined, string, Record<string, unknown>]>([
    ["application/json", "application/json", '{"message":"hi"}', { message: "hi" }],
    ["a type in capitals, with a charset", "Application/JSON; charset=UTF-8", '{"message":"hi"}', { message: "hi" }],
    ["a space before the parameters", "application/json ; charset=utf-8", '{"message":"hi"}', { message: "hi" }],
    ["a +json type", "application/vnd.hipchat+json", '{"message":"hi"}', { message: "hi" }],
    ["text/json", "text/json", '{"message":"hi"}', { message: "hi" }],
    ["a form", "application/x-www-form-urlencoded", "message=hi&from=ci", { message: "hi", from: "ci" }],
    ["no type, a JSON object", undefined, '{"message":"hi"}', { message: "hi" }],
    ["no type, a JSON object after blank lines", undefined, '\r\n  {"message":"hi"}', { message: "hi" }],
    ["no type, a form", undefined, "message=hi", { message: "hi" }],
    // Read by its start: a form value that ends with `{` is still a form.
    ["no type, a form ending with {", undefined, "message=a{", { message: "a{" }],
    ["text/plain, a JSON object", "text/plain", '{"message":"hi"}', { message: "hi" }],
    ["text/plain, a form", "text/plain; charset=utf-8", "message=hi", { message: "hi" }],
    ["parameters only (no type)", "; charset=utf-8", "message=hi", { message: "hi" }],
  ])("%s", async (_name, contentType, body, fields) => {
    expect(await read({ body, contentType })).toEqual(fields);
  });

  it.each<[string, string]>([
    ["application/xml", "application/xml"],
    ["text/html; charset=utf-8", "text/html"],
    ["application/json-seq", "application/json-seq"],
    ["multipart/mixed; boundary=x", "multipart/mixed"],
  ])("%s → 415 naming the type", async (contentType, type) => {
    expect(await refusal(read({ body: "message=hi", contentType }))).toEqual({
      status: 415,
      message: UNSUPPORTED(type),
    });
  });

  it("an unsupported type is answered 415 in HipChat's shape", async () => {
    const h = createHarness();
    const res = await h.invoke(
      albEvent({
        url: `/v2/room/Ops/notification?auth_token=${TOKENS.admin}`,
        body: "<message>hi</message>",
        contentType: "application/xml",
      }),
    );
    expect(res.statusCode).toBe(415);
    expect(errorOf(res)).toEqual({
      error: { code: 415, message: UNSUPPORTED("application/xml"), type: "Unsupported Media Type" },
    });
    expect(h.sent).toHaveLength(0);
  });
});

describe("an empty body is no fields, whatever its content type", () => {
  it.each<[string, string | undefined]>([
    ["JSON", "application/json"],
    ["a type the proxy does not take", "application/xml"],
    ["multipart without a boundary", "multipart/form-data"],
    ["no type", undefined],
  ])("%s", async (_name, contentType) => {
    expect(await read({ body: "", contentType })).toEqual({});
  });
});

describe("JSON bodies", () => {
  it.each<[string, string, string]>([
    ["not JSON", '{"message":', "Request body is not valid JSON"],
    ["an array", '["message"]', "Request body must be a JSON object"],
    ["null", "null", "Request body must be a JSON object"],
    ["a number", "5", "Request body must be a JSON object"],
    ["a string", '"message"', "Request body must be a JSON object"],
  ])("%s → 400", async (_name, body, message) => {
    expect(await refusal(read({ body, contentType: "application/json" }))).toEqual({ status: 400, message });
  });

  it("invalid UTF-8 → 400, not a message with replacement characters", async () => {
    const bytes = Buffer.concat([Buffer.from('{"message":"a'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(await refusal(read({ bodyBytes: bytes, contentType: "application/json" }))).toEqual({
      status: 400,
      message: "Request body is not valid UTF-8",
    });
  });

  it("a lone surrogate escape is replaced with U+FFFD; a pair is kept", async () => {
    expect(await read({ json: '{"message":"a\\ud800b","from":"\\ud83d\\ude00"}' })).toEqual({
      message: "a\ufffdb",
      from: "\u{1f600}",
    });
  });
});

describe("JSON is taken up to 32 levels deep (the top object is the first)", () => {
  /** An object `depth` levels deep, its innermost level made of `inner`. */
  const objects = (depth: number, inner = "{}") => `${'{"a":'.repeat(depth - 1)}${inner}${"}".repeat(depth - 1)}`;
  /** A message beside an array nested to reach `depth` levels. */
  const arrays = (depth: number) => `{"message":"m","a":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
  const TOO_DEEP = { status: 400, message: "Request body is nested too deeply" };

  it.each<[string, string]>([
    ["objects", objects(32)],
    ["arrays", arrays(32)],
    // Strings, numbers, nulls and booleans are values, not levels.
    ["objects with scalars in the innermost", objects(32, '{"s":"x","n":1,"z":null,"t":true}')],
    ["a deep branch beside a shallow one", `{"b":{"c":1},"a":${objects(31)}}`],
  ])("32 levels: %s, taken", async (_name, body) => {
    await expect(read({ json: body })).resolves.toBeInstanceOf(Object);
  });

  it.each<[string, string]>([
    ["objects", objects(33)],
    ["arrays", arrays(33)],
    ["a deep branch after a shallow one", `{"a":{"c":1},"b":${objects(32)}}`],
    ["a deep branch before a shallow one", `{"b":${objects(32)},"a":{"c":1}}`],
  ])("33 levels: %s → 400", async (_name, body) => {
    expect(await refusal(read({ json: body }))).toEqual(TOO_DEEP);
  });

  it("a body nested too deeply is answered 400 in HipChat's shape, and nothing is sent", async () => {
    const h = createHarness();
    const res = await h.invoke(
      albEvent({
        url: `/v2/room/Ops/notification?auth_token=${TOKENS.admin}`,
        json: `{"message":"m","x":${objects(40)}}`,
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toEqual({ error: { code: 400, message: TOO_DEEP.message, type: "Bad Request" } });
    expect(h.sent).toHaveLength(0);
  });
});

describe("form bodies", () => {
  it("a repeated field keeps its first value", () => {
    expect({ ...parseForm("message=first&message=second&from=ci") }).toEqual({ message: "first", from: "ci" });
  });

  it("keys such as toString are the client's data, with no inherited members", () => {
    const fields = parseForm("toString=1&message=m");
    expect({ ...fields }).toEqual({ toString: "1", message: "m" });
    expect(Object.getPrototypeOf(fields)).toBeNull();
  });
});

describe("multipart/form-data bodies", () => {
  const multipart = (parts: Part[]) => read(multipartBody(parts));
  const file = (filename = "build.log") => ({ filename, type: "text/plain" });
  const FILE = (label: string) =>
    `Field ${label} is a file upload; the proxy takes text fields only (send it without a filename)`;
  /** A raw multipart body, for parts the helper cannot write (no name, an octet-stream without a filename). */
  const raw = (...parts: string[]) => ({
    body: `${parts.map((p) => `--${BOUNDARY}\r\n${p}\r\n`).join("")}--${BOUNDARY}--\r\n`,
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
  });

  it("text fields are read, a repeated one keeps its first value", async () => {
    expect(
      await multipart([
        ["message", "first"],
        ["from", "ci"],
        ["message", "second"],
      ]),
    ).toEqual({ message: "first", from: "ci" });
  });

  it("a part without a name is the empty name, as `=value` is in a form", async () => {
    expect(
      await read(
        raw(
          "Content-Disposition: form-data\r\n\r\nnameless",
          'Content-Disposition: form-data; name="message"\r\n\r\nhi',
        ),
      ),
    ).toEqual({
      "": "nameless",
      message: "hi",
    });
  });

  it("a notification with a part without a name is delivered, the part ignored", async () => {
    const h = createHarness();
    const res = await h.invoke(
      albEvent({
        url: `/v2/room/Ops/notification?auth_token=${TOKENS.admin}`,
        ...raw(
          "Content-Disposition: form-data\r\n\r\nnameless",
          'Content-Disposition: form-data; name="message"\r\n\r\nhi',
        ),
      }),
    );
    expect(res.statusCode).toBe(204);
    expect(h.sent.map((s) => s.message.text)).toEqual(["hi"]);
  });

  it.each<[string, Part[] | ReturnType<typeof raw>, string]>([
    [
      "a part with a filename",
      [
        ["message", "m"],
        ["attachment", "log", file()],
      ],
      FILE('"attachment"'),
    ],
    [
      "an application/octet-stream part without a filename",
      raw('Content-Disposition: form-data; name="blob"\r\nContent-Type: application/octet-stream\r\n\r\n\u0001'),
      FILE('"blob"'),
    ],
    ["a file without a name", raw('Content-Disposition: form-data; filename="a.txt"\r\n\r\nx'), FILE("(unnamed)")],
    ["a file with an empty name", [["", "x", file()]], FILE("(unnamed)")],
    [
      "a file whose name has quotes and control characters: left out of the message",
      raw('Content-Disposition: form-data; name="a\\"b\tc"; filename="x"\r\n\r\nx'),
      FILE('"abc"'),
    ],
    ["a file with a long name: its first 64 characters", [["n".repeat(80), "x", file()]], FILE(`"${"n".repeat(64)}"`)],
    [
      "two files: the first is named",
      [
        ["first", "x", file()],
        ["second", "y", file()],
      ],
      FILE('"first"'),
    ],
  ])("%s → 400 naming the field", async (_name, parts, message) => {
    const body = Array.isArray(parts) ? multipart(parts) : read(parts);
    expect(await refusal(body)).toEqual({ status: 400, message });
  });

  it("a file part is answered 400 in HipChat's shape, and nothing is sent", async () => {
    const h = createHarness();
    const res = await h.invoke(
      albEvent({
        url: `/v2/room/Ops/notification?auth_token=${TOKENS.admin}`,
        ...multipartBody([
          ["message", "m"],
          ["attachment", "log", file()],
        ]),
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toEqual({ error: { code: 400, message: FILE('"attachment"'), type: "Bad Request" } });
    expect(h.sent).toHaveLength(0);
  });

  it("1,000 parts are taken; 1,001 → 400", async () => {
    const parts = (n: number): Part[] =>
      Array.from({ length: n }, (_, i): Part => [i === 0 ? "message" : `f${i}`, "v"]);
    await expect(multipart(parts(1000))).resolves.toMatchObject({ message: "v", f999: "v" });
    expect(await refusal(multipart(parts(1001)))).toEqual({
      status: 400,
      message: "Request body has more than 1000 parts",
    });
  });

  it.each<[string, string, string, string]>([
    ["no boundary", "--x\r\n\r\n", "multipart/form-data", "Request body is multipart/form-data without a boundary"],
    [
      "a body that is not multipart",
      "message=hi",
      `multipart/form-data; boundary=${BOUNDARY}`,
      "Request body is not valid multipart/form-data",
    ],
    [
      "a body cut short",
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi`,
      `multipart/form-data; boundary=${BOUNDARY}`,
      "Request body is not valid multipart/form-data",
    ],
  ])("%s → 400", async (_name, body, contentType, message) => {
    expect(await refusal(read({ body, contentType }))).toEqual({ status: 400, message });
  });

  it("invalid UTF-8 in a field → 400, not a message with replacement characters", async () => {
    const { body, contentType } = multipartBody([["message", "\u00ff"]]);
    const bytes = Buffer.from(body, "latin1"); // 0xff alone: not UTF-8
    expect(await refusal(read({ bodyBytes: bytes, contentType }))).toEqual({
      status: 400,
      message: "Request body is not valid UTF-8",
    });
  });

  describe("a field is taken up to the body limit, even in a body handed over larger than it", () => {
    // The ALB event's own body stops at MAX_BODY_BYTES (413); the parser holds its fields to the same.
    const request = (value: string): ProxyRequest => {
      const { body, contentType } = multipartBody([["message", value]]);
      return {
        method: "POST",
        path: "/x",
        query: new Map(),
        headers: new Map([["content-type", [contentType]]]),
        body: () => Buffer.from(body),
        multiValue: false,
      };
    };

    it(`a field of ${MAX_BODY_BYTES} bytes is taken`, async () => {
      const fields = await parseBody(request("m".repeat(MAX_BODY_BYTES)));
      expect((fields.message as string).length).toBe(MAX_BODY_BYTES);
    });

    it(`a field of ${MAX_BODY_BYTES + 1} bytes → 400 naming it`, async () => {
      expect(await refusal(parseBody(request("m".repeat(MAX_BODY_BYTES + 1))))).toEqual({
        status: 400,
        message: 'Field "message" is too long',
      });
    });
  });
});

describe("the body reader", () => {
  const reader = (spec: Omit<EventSpec, "url">) => createBodyReader(parseAlbEvent(albEvent({ url: "/x", ...spec })));

  it.each(["GET", "HEAD"])("%s: a body is not read; no fields, and no field found", async (method) => {
    const body = reader({ method, json: { message: "hi", auth_token: "t" } });
    expect(await body.fields()).toEqual({});
    expect(await body.lookup("auth_token")).toBeUndefined();
  });

  it.each(["POST", "PUT", "DELETE"])("%s: the body is read", async (method) => {
    const body = reader({ method, json: { message: "hi", auth_token: "t" } });
    expect(await body.fields()).toEqual({ message: "hi", auth_token: "t" });
    expect(await body.lookup("auth_token")).toBe("t");
  });

  it("a body it cannot read: fields() throws its 400 every time; lookup finds nothing", async () => {
    const body = reader({ method: "POST", json: '{"auth_token":' });
    const invalid = { status: 400, message: "Request body is not valid JSON" };
    expect(await refusal(body.fields())).toEqual(invalid);
    expect(await refusal(body.fields())).toEqual(invalid);
    expect(await body.lookup("auth_token")).toBeUndefined();
  });

  it.each<[string, Omit<EventSpec, "url">]>([
    ["a number", { json: { auth_token: 5 } }],
    ["an object", { json: { auth_token: { value: "t" } } }],
    ["absent", { json: { message: "auth_token" } }],
    [
      "in a body that is not base64 as it claims",
      { body: "auth_token=t!", isBase64Encoded: true, contentType: "text/plain" },
    ],
  ])("a field that is %s is not found", async (_name, spec) => {
    expect(await reader({ method: "POST", ...spec }).lookup("auth_token")).toBeUndefined();
  });

  it("a multipart body refused for a file still gives its text fields to lookup", async () => {
    const body = reader({
      method: "POST",
      ...multipartBody([
        ["auth_token", "t"],
        ["attachment", "log", { filename: "build.log", type: "text/plain" }],
      ]),
    });
    expect(await body.lookup("auth_token")).toBe("t");
    expect((await refusal(body.fields())).status).toBe(400);
  });
});
