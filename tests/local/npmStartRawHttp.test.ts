/**
 * `npm start` with what Node's HTTP parser refuses and with bodies that are not UTF-8: the answers
 * are HipChat-shaped, and npm start decides as the handler does behind the ALB.
 */
import * as net from "node:net";
import { albEvent } from "../support/albEvents";
import { npmStart, type StartedProxy } from "../support/npmStart";
import { createHarness, TOKENS } from "../support/proxyHarness";

let proxy: StartedProxy;
beforeAll(async () => {
  proxy = await npmStart({ HIPCHAT_TOKENS: TOKENS.admin, ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }) });
}, 60_000);
afterAll(() => proxy?.stop());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends bytes as they are over one connection and reads the answer until the server closes it. */
function rawRequest(request: string | Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    socket.setTimeout(10_000, () => socket.destroy(new Error("no answer")));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head, ...rest] = text.split("\r\n\r\n");
      const [statusLine, ...headerLines] = head.split("\r\n");
      const headers = Object.fromEntries(
        headerLines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n") });
    });
  });
}

const hipchatError = (status: number, type: string) => ({
  error: { code: status, message: expect.any(String), type },
});

describe("requests Node's HTTP parser refuses get a HipChat-shaped answer", () => {
  it.each<[string, string | Buffer, number, string]>([
    ["malformed HTTP", "NOT HTTP AT ALL\r\n\r\n", 400, "Bad Request"],
    ["an unknown method", "FROB /v2/room HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Bad Request"],
    ["a bad header line", "POST /v2/room/Ops/notification HTTP/1.1\r\nHost x\r\n\r\n", 400, "Bad Request"],
    [
      "over 16 KB of headers",
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"h".repeat(20 * 1024)}\r\n\r\n`,
      431,
      "Request Header Fields Too Large",
    ],
  ])("%s → its status, with a HipChat-shaped JSON body", async (_n, request, status, type) => {
    const res = await rawRequest(request);
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.body));
    expect(JSON.parse(res.body)).toEqual(hipchatError(status, type));
  });

  it("the server still serves the next connection", async () => {
    await rawRequest("NOT HTTP AT ALL\r\n\r\n");
    expect((await fetch(`${proxy.url}/healthz`)).status).toBe(200);
  });
});

describe("a body that is not UTF-8 is a 400 under npm start as behind the ALB, whatever its content type", () => {
  const bytes = Buffer.from([0x41, 0xff, 0xfe, 0x42]); // "A\xff\xfeB"
  const body = Buffer.concat([Buffer.from('{"message":"'), bytes, Buffer.from('"}')]);

  it.each(["application/json", "application/json; charset=utf-8", "text/plain", "text/json", undefined])(
    "Content-Type %s",
    async (contentType) => {
      // npm start
      const res = await fetch(`${proxy.url}/v2/room/Ops/notification?auth_token=${TOKENS.admin}`, {
        method: "POST",
        headers: contentType ? { "content-type": contentType } : {},
        body,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
        "Request body is not valid UTF-8",
      );

      // the handler, given the bytes as the event carries them (base64)
      const h = createHarness();
      const event = albEvent({
        url: `/v2/room/Ops/notification?auth_token=${TOKENS.admin}`,
        body: "x",
        contentType,
      });
      event.body = body.toString("base64");
      event.isBase64Encoded = true;
      const direct = await h.invoke(event);
      expect(direct.statusCode).toBe(400);
      expect(JSON.parse(direct.body ?? "{}").error.message).toBe("Request body is not valid UTF-8");
    },
  );

  it("valid UTF-8 JSON still goes through as text", async () => {
    const res = await fetch(`${proxy.url}/v2/room/Ops/notification?auth_token=${TOKENS.admin}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "héllo 😀" }),
    });
    expect(res.status).toBe(204);
  });
});
