/**
 * Lone UTF-16 surrogates: JSON may carry them (`"\ud800"`), and so may an event's query. Each is
 * replaced with U+FFFD where text enters the proxy (JSON, form, multipart, query, path), before
 * validation and conversion, and the message is delivered: never a 502 from a Slack client that
 * cannot encode it, never two neighbours merged into another character.
 *
 * Through the whole Lambda handler with the real Slack client against the Slack stand-in.
 */
import * as fc from "fast-check";
import type { ALBEvent } from "aws-lambda";
import type { AlbHandler } from "../../handler";
import { albEvent } from "../support/albEvents";
import { captureStdout, lambdaContext, startLambdaRig, type LambdaRig, type StdoutCapture } from "../support/lambdaRig";
import { channelId } from "../support/slackStandIn";
import { surrogateMessage, LINK_HTML, LINK_TEXT, toWellFormed } from "./surrogateArbitraries";

const TOKEN = "surrogates-token-0123456789";
const q = `auth_token=${TOKEN}`;

let rig: LambdaRig;
let handler: AlbHandler;
let stdout: StdoutCapture;
beforeAll(async () => {
  rig = await startLambdaRig({
    hipchatTokens: [{ token: TOKEN }],
    env: { ROOM_CHANNELS: JSON.stringify({ Ops: "#ops" }), DEFAULT_CHANNEL: "#hipchat" },
    slack: { conversations: ["#ops"] },
  });
  stdout = captureStdout();
  handler = rig.coldStart();
});
afterAll(async () => {
  stdout?.restore();
  await rig?.close();
});
beforeEach(() => {
  rig.slack.calls.length = 0;
  rig.slack.delivered.length = 0;
  rig.slack.topics.length = 0;
});

const invoke = (event: ALBEvent) => handler(event, lambdaContext(10_000));
const delivered = () => rig.slack.delivered.map((c) => c.body);
const notify = (body: unknown) => albEvent({ url: `/v2/room/Ops/notification?${q}`, json: body });

describe("examples", () => {
  it('{"message":"hello\\ud800"} → 204, delivered as "hello\\ufffd" (was a 502)', async () => {
    const event = notify('{"message":"hello\\ud800","message_format":"text"}');
    expect(event.body).toContain("\\ud800");
    const res = await invoke(event);
    expect(res.statusCode).toBe(204);
    expect(delivered()).toEqual([{ channel: "#ops", text: "hello\ufffd", mrkdwn: "true" }]);
  });

  it('"A\\ud800B" arrives as "A\\ufffdB", not as one character made of its neighbours', async () => {
    const res = await invoke(notify({ message: "A\ud800B", message_format: "text" }));
    expect(res.statusCode).toBe(204);
    expect(delivered()).toEqual([{ channel: "#ops", text: "A\ufffdB", mrkdwn: "true" }]);
  });

  it("a lone low surrogate, and a pair kept whole beside lone ones", async () => {
    const res = await invoke(notify({ message: "\udc00x\ud83d\ude00y\ud83d", message_format: "text" }));
    expect(res.statusCode).toBe(204);
    expect(delivered()).toEqual([{ channel: "#ops", text: "\ufffdx😀y\ufffd", mrkdwn: "true" }]);
  });

  it("html: a link keeps its target and its text around a lone surrogate", async () => {
    const res = await invoke(notify({ message: `<a href="https://example.com/h">h\ud800ref</a> &amp;` }));
    expect(res.statusCode).toBe(204);
    expect(delivered()).toEqual([
      { channel: "#ops", text: "<https://example.com/h|h\ufffdref> &amp;", mrkdwn: "true" },
    ]);
  });

  it("from, a key and a card title are cleaned too", async () => {
    const res = await invoke(
      notify({
        message: "m",
        from: "ci\udfff",
        "mess\ud800age": "a key with a surrogate is just another unknown field",
        card: { style: "application", title: "T\ud800", id: "c1" },
      }),
    );
    expect(res.statusCode).toBe(204);
    const body = delivered()[0] as { username: string; attachments: { title: string }[] };
    expect(body.username).toBe("ci\ufffd");
    expect(body.attachments[0].title).toBe("T\ufffd");
  });

  it("a v1 GET whose event query carries one", async () => {
    const event = albEvent({ method: "GET", url: `/v1/rooms/message?${q}` });
    event.queryStringParameters = { ...event.queryStringParameters, room_id: "Ops", from: "q", message: "q\ud800" };
    const res = await invoke(event);
    expect(res.statusCode).toBe(200);
    expect(delivered()).toEqual([{ channel: "#ops", text: "q\ufffd", mrkdwn: "true", username: "q" }]);
  });

  it("a topic", async () => {
    const res = await invoke(
      albEvent({ method: "PUT", url: `/v2/room/Ops/topic?${q}`, json: '{"topic":"t\\udbff!"}' }),
    );
    expect(res.statusCode).toBe(204);
    expect(rig.slack.topics).toEqual([{ channel: channelId("#ops"), topic: "t\ufffd!" }]);
  });

  it("a room name in the event's path", async () => {
    const event = albEvent({ url: `/v2/room/Ops/notification?${q}`, json: { message: "p" } });
    const res = await invoke({ ...event, path: "/v2/room/Op\ud800s/notification" });
    expect(res.statusCode).toBe(204);
    expect(delivered()).toEqual([{ channel: "#hipchat", text: "p", mrkdwn: "true" }]);
  });
});

describe("property: any message with lone surrogates anywhere is delivered as its well-formed twin", () => {
  it.each(["text", "html"] as const)(
    "%s messages (150 runs)",
    async (format) => {
      await fc.assert(
        fc.asyncProperty(surrogateMessage(format), async (message) => {
          rig.slack.delivered.length = 0;
          const twin = toWellFormed(message);
          const a = await invoke(notify({ message, message_format: format }));
          const b = await invoke(notify({ message: twin, message_format: format }));
          expect([a.statusCode, b.statusCode]).toEqual([204, 204]);
          const [got, expected] = delivered() as { text: string }[];
          // The same payload as the well-formed message: nothing around a surrogate changed.
          expect(got).toEqual(expected);
          // Escapes intact: every &, < and > of the sender is escaped; the only < … > are links.
          expect(got.text).not.toMatch(/&(?!amp;|lt;|gt;)/);
          for (const open of got.text.matchAll(/</g)) {
            expect(got.text.slice(open.index)).toMatch(/^<https:\/\/example\.com\//);
          }
          // Links intact.
          if (format === "text" && message.includes(LINK_TEXT)) {
            expect(got.text).toContain("<https://example.com/a?b=c&amp;d>");
          }
          if (format === "html" && message.includes(LINK_HTML)) {
            expect(got.text).toContain("<https://example.com/h|");
          }
          // Each lone surrogate is one U+FFFD.
          expect([...got.text.matchAll(/\ufffd/g)].length).toBe([...twin.matchAll(/\ufffd/g)].length);
        }),
        { numRuns: 150, seed: 0x5e7a },
      );
    },
    60_000,
  );
});
