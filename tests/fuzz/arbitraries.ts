/**
 * fast-check arbitraries for hostile HipChat requests, as ALB events in either header form.
 *
 * Every generated case says what the proxy must do with it:
 * - `reject`: the request is invalid by construction (guaranteed, not "probably"): it must get a
 *   HipChat-shaped 4xx and nothing may reach Slack;
 * - `any`: it may be valid; a 2xx must then have sent exactly `sends` messages (one for a message
 *   route, none for `auth_test`, lists and health), a 4xx none.
 */
import * as fc from "fast-check";
import type { ALBEvent } from "aws-lambda";
import { MAX_BODY_BYTES } from "../../handler/alb";
import { albEvent, type HeaderForm } from "../support/albEvents";
import { TOKENS } from "../support/proxyHarness";

export type { HeaderForm };

/** A request as a client put it on the wire, before the ALB turns it into an event. */
export interface RawRequest {
  method: string;
  /** The path as sent, still percent-encoded. */
  path: string;
  /** Query pairs as sent, still percent-encoded (the ALB does not decode them). */
  query: [string, string][];
  /** Header pairs; repeated names allowed. The ALB lower-cases names. */
  headers: [string, string][];
  /** Text, or raw bytes (always base64-encoded by the ALB). */
  body?: string | Uint8Array;
  /** Overrides the ALB's own base64 rule (for bodies that claim base64 and are not). */
  isBase64Encoded?: boolean;
  form: HeaderForm;
}

export interface FuzzCase {
  label: string;
  /** `reject`: must be a 4xx; `accept`: must be a 2xx; `any`: either, by the rules for its answer. */
  expect: "reject" | "accept" | "any";
  /** Messages a 2xx answer must have sent (message routes: 1; auth_test, lists, health: 0). */
  sends: 0 | 1;
  req: RawRequest;
  /** The answer must be a 400 whose message names this field (`Field card.title …`) or one inside it. */
  names?: string;
}

/** Builds the ALB event for a request with the suites' one ALB event factory (docs/alb-events.md). */
export function toAlbEvent(r: RawRequest): ALBEvent {
  return albEvent({
    method: r.method,
    url: r.path,
    query: r.query,
    headers: r.headers,
    ...(r.body instanceof Uint8Array ? { bodyBytes: r.body } : { body: r.body }),
    isBase64Encoded: r.isBase64Encoded,
    headerForm: r.form,
    proto: "https",
  });
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const form = fc.constantFrom<HeaderForm>("single", "multi");
/** Any text, including astral characters, lone surrogates, controls and HTML-ish soup. */
const anyText = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: "binary", maxLength }),
    fc.string({ unit: "grapheme", maxLength }),
    fc.stringMatching(
      /^(<[a-z]{1,6}( [a-z]{1,5}="[^"]{0,20}")?>|<\/[a-z]{1,6}>|&[a-z#0-9]{1,6};|[@(][a-z]{1,10}\)?|[^<&]{1,20}){0,30}$/,
    ),
  );
/** Valid `message` values: anything from 1 character up to HipChat's 10,000, markup-heavy ones included. */
const messageText = fc.oneof(
  { arbitrary: anyText(400).filter((s) => s.length >= 1), weight: 20 },
  { arbitrary: fc.constantFrom(" ", "\n", "&", "<", "@all", "(yey)"), weight: 1 },
  {
    arbitrary: fc
      .constantFrom("x", "<b>x</b>", "<a href='https://e.example/'>l</a>", "&amp;", "é", "😀", "<ul><li>i</li></ul>")
      .map((unit) => unit.repeat(Math.floor(10_000 / unit.length))),
    weight: 1,
  },
);

/** Where the client puts its token; returns the request parts that carry it. */
type Auth = { query: [string, string][]; headers: [string, string][]; body: Record<string, string> };
const authFor = (token: string) =>
  fc.constantFrom<Auth>(
    { query: [["auth_token", encodeURIComponent(token)]], headers: [], body: {} },
    { query: [], headers: [["Authorization", `Bearer ${token}`]], body: {} },
    { query: [], headers: [], body: { auth_token: token } },
  );
const validAuth = authFor(TOKENS.admin);

const jsonHeaders = (extra: [string, string][] = []): [string, string][] => [
  ["Content-Type", "application/json"],
  ...extra,
];

/** A valid HipChat card (HipChat's own limits). */
const validCard = fc.record(
  {
    style: fc.constantFrom("file", "image", "application", "link", "media"),
    title: fc.string({ minLength: 1, maxLength: 100 }),
    url: fc.webUrl(),
    description: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.record({ value: fc.string({ minLength: 1, maxLength: 200 }), format: fc.constantFrom("html", "text") }),
    ),
    attributes: fc.array(
      fc.record({
        label: fc.string({ maxLength: 50 }),
        value: fc.record({ label: fc.string({ minLength: 1, maxLength: 100 }) }),
      }),
      { maxLength: 5 },
    ),
    thumbnail: fc.record({ url: fc.webUrl().filter((u) => u.length <= 250) }),
  },
  { requiredKeys: ["style", "title"] },
);

/** A valid message body for one of the message routes, and the route it goes to. */
const validMessage = fc.oneof(
  fc.record({
    path: fc.constantFrom(
      "/v2/room/Ops/notification",
      "/v2/room/42/notification",
      "/v2/room/my%20room/notification",
      "/v2//room/OPS/notification/",
    ),
    fields: fc.record(
      {
        message: messageText,
        message_format: fc.constantFrom("html", "text"),
        color: fc.constantFrom("yellow", "green", "red", "purple", "gray", "random"),
        notify: fc.constantFrom(true, false, "true", "1", 1, 0),
        from: fc.string({ maxLength: 64 }),
        card: validCard,
      },
      { requiredKeys: ["message"] },
    ) as fc.Arbitrary<Record<string, unknown>>,
  }),
  fc.record({
    path: fc.constant("/v2/room/Ops/message"),
    fields: fc.record({ message: messageText }) as fc.Arbitrary<Record<string, unknown>>,
  }),
  fc.record({
    path: fc.constant("/v2/room/Ops/share/link"),
    fields: fc.record(
      { link: fc.webUrl({ validSchemes: ["http", "https"] }), message: fc.string({ maxLength: 200 }) },
      { requiredKeys: ["link"] },
    ) as fc.Arbitrary<Record<string, unknown>>,
  }),
  fc.record({
    path: fc.constantFrom("/v2/user/alice@example.com/message", "/v2/user/%40bob/message", "/v2/user/123/message"),
    fields: fc.record(
      { message: messageText, message_format: fc.constantFrom("html", "text") },
      { requiredKeys: ["message"] },
    ) as fc.Arbitrary<Record<string, unknown>>,
  }),
);

/** A valid request: JSON or form, any token placement, either header form. */
const validRequest: fc.Arbitrary<FuzzCase> = fc
  .tuple(validMessage, validAuth, form, fc.boolean())
  .map(([m, auth, f, asForm]) => {
    const fields = { ...m.fields, ...auth.body };
    // Forms carry strings only: a card (an object) goes as JSON.
    const useForm = asForm && !("card" in fields);
    const body = useForm
      ? new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString()
      : JSON.stringify(fields);
    return {
      label: "valid",
      expect: "accept" as const,
      sends: 1 as const,
      req: {
        method: "POST",
        path: m.path,
        query: auth.query,
        headers: [
          ["Content-Type", useForm ? "application/x-www-form-urlencoded" : "application/json"],
          ...auth.headers,
        ] as [string, string][],
        body,
        form: f,
      },
    };
  });

/** v1 form posts and GETs, and the read-only calls. */
const validV1AndReads: fc.Arbitrary<FuzzCase> = fc.oneof(
  fc
    .tuple(messageText, fc.constantFrom("Ops", "42", "my room"), form, fc.boolean())
    .map(([message, room, f, get]): FuzzCase => {
      const fields: [string, string][] = [
        ["room_id", room],
        ["from", "Nagios"],
        ["message", message],
        ["notify", "1"],
        ["format", "json"],
        ["auth_token", TOKENS.admin],
      ];
      const encoded = new URLSearchParams(fields).toString();
      return {
        label: "v1 message",
        expect: "accept",
        sends: 1,
        req: get
          ? {
              method: "GET",
              path: "/v1/rooms/message",
              query: encoded.split("&").map((p) => p.split("=") as [string, string]),
              headers: [],
              form: f,
            }
          : {
              method: "POST",
              path: "/v1/rooms/message",
              query: [],
              headers: [["Content-Type", "application/x-www-form-urlencoded"]],
              body: encoded,
              form: f,
            },
      };
    }),
  fc
    .tuple(
      fc.constantFrom("/v2/room", "/v1/rooms/list", "/healthz", "/v2/room/Ops/notification"),
      form,
      fc.nat(2000),
      fc.nat(2000),
    )
    .map(
      ([path, f, start, max]): FuzzCase => ({
        label: "reads and auth_test",
        expect: "accept",
        sends: 0,
        req: {
          method: path.endsWith("notification") ? "POST" : "GET",
          path,
          query: [
            ["auth_token", TOKENS.admin],
            ["start-index", String(start)],
            ["max-results", String(max)],
            ...(path.endsWith("notification") ? [["auth_test", "true"] as [string, string]] : []),
          ],
          headers: path.endsWith("notification") ? jsonHeaders() : [],
          body: path.endsWith("notification") ? JSON.stringify({ message: "x" }) : undefined,
          form: f,
        },
      }),
    ),
);

// ---------------------------------------------------------------------------------------------
// Invalid by construction

const notification = (
  body: string | Uint8Array | undefined,
  headers: [string, string][],
  f: HeaderForm,
  extra: Partial<RawRequest> = {},
): RawRequest => ({
  method: "POST",
  path: "/v2/room/Ops/notification",
  query: [["auth_token", TOKENS.admin]],
  headers,
  body,
  form: f,
  ...extra,
});
const reject = (label: string, req: RawRequest): FuzzCase => ({ label, expect: "reject", sends: 0, req });

const isJson = (s: string) => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

const malformedJson = fc
  .tuple(
    fc.oneof(
      fc.string({ maxLength: 300 }),
      fc
        .jsonValue()
        .map((v) => JSON.stringify({ message: v }))
        .chain((s) => fc.nat(Math.max(0, s.length - 1)).map((n) => s.slice(0, n))),
      fc.constantFrom(
        "{",
        '{"message":',
        '{"message":"x"',
        "{'message':'x'}",
        '{"message":"x",}',
        "{message: x}",
        "\u0000{}",
        '{"message":"\\ud800"',
      ),
    ),
    form,
  )
  .filter(([s]) => !isJson(s) && s.trim() !== "")
  .map(([s, f]) => reject("malformed JSON", notification(s, jsonHeaders(), f)));

const nonObjectJson = fc
  .tuple(
    fc.oneof(
      fc.jsonValue().filter((v) => typeof v !== "object" || v === null || Array.isArray(v)),
      fc.constant([{ message: "x" }]),
    ),
    form,
  )
  .map(([v, f]) => reject("JSON that is not an object", notification(JSON.stringify(v), jsonHeaders(), f)));

/** A form body that cannot hold a usable `message`. */
const malformedForm = fc
  .tuple(fc.oneof(fc.string({ maxLength: 200 }), fc.stringMatching(/^([%&=+]|%[0-9A-Fa-f]?|[a-z]{1,5})*$/)), form)
  .filter(([s]) => {
    const m = new URLSearchParams(s).get("message");
    return m === null || m === "";
  })
  .map(([s, f]) =>
    reject("malformed form", notification(s, [["Content-Type", "application/x-www-form-urlencoded"]], f)),
  );

/** A field of the wrong type or length, everything else valid. */
const wrongField = fc
  .tuple(
    fc.oneof(
      fc.record({
        message: fc.oneof(
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          fc.array(fc.string()),
          fc.object(),
          fc.constant(""),
        ),
      }),
      fc.record({ message: fc.nat({ max: 200 }).map((n) => "x".repeat(10_001 + n)) }),
      fc.record({
        message: fc.constant("ok"),
        color: fc.string().filter((c) => !["yellow", "green", "red", "purple", "gray", "random"].includes(c)),
      }),
      fc.record({
        message: fc.constant("ok"),
        message_format: fc.oneof(fc.constantFrom("markdown", "HTML", ""), fc.integer()),
      }),
      fc.record({
        message: fc.constant("ok"),
        notify: fc.oneof(fc.object(), fc.array(fc.nat()), fc.constantFrom("maybe", "2")),
      }),
      fc.record({
        message: fc.constant("ok"),
        from: fc.oneof(
          fc.nat({ max: 100 }).map((n) => "f".repeat(65 + n)),
          fc.integer(),
          fc.object(),
        ),
      }),
      fc.record({
        message: fc.constant("ok"),
        attach_to: fc.oneof(fc.integer(), fc.constant("x".repeat(37)), fc.array(fc.string())),
      }),
      fc.record({
        message: fc.constant("ok"),
        card: fc.oneof(
          fc.constantFrom<unknown>("card", 1, [], null),
          fc.record({ style: fc.constant("bogus"), title: fc.constant("t") }),
          fc.record({ style: fc.constant("link"), title: fc.constantFrom("", "t".repeat(501)) }),
          fc.record({
            style: fc.constant("link"),
            title: fc.constant("t"),
            attributes: fc.constantFrom<unknown>("x", Array(51).fill({ value: { label: "v" } })),
          }),
        ),
      }),
    ),
    form,
  )
  .map(([fields, f]) => reject("wrong field type or length", notification(JSON.stringify(fields), jsonHeaders(), f)));

/**
 * JSON objects built to break string conversion, as text: `{"toString":1}` makes `${value}` throw
 * ("Cannot convert object to primitive value"), and so do `valueOf`, `toJSON` and the like, alone, in
 * arrays, or nested. (JSON cannot hold a function or a symbol; tests/handler/fields.test.ts puts those
 * in every field position in-process.)
 */
const hostileJson: fc.Arbitrary<string> = fc
  .tuple(
    fc.uniqueArray(
      fc.constantFrom(
        "toString",
        "valueOf",
        "toJSON",
        "Symbol.toPrimitive",
        "@@toPrimitive",
        "__proto__",
        "constructor",
        "hasOwnProperty",
        "length",
        "then",
      ),
      { minLength: 1, maxLength: 4 },
    ),
    fc.array(fc.constantFrom("1", "null", '"x"', "true", "[]", "{}", '{"toString":1}', '{"valueOf":{}}'), {
      minLength: 4,
      maxLength: 4,
    }),
    fc.constantFrom("object", "in an array", "in arrays", "twice in an array", "empty object"),
  )
  .map(([keys, values, how]) => {
    const obj =
      how === "empty object" ? "{}" : `{${keys.map((k, i) => `${JSON.stringify(k)}:${values[i]}`).join(",")}}`;
    return how === "in an array"
      ? `[${obj}]`
      : how === "in arrays"
        ? `[[${obj}]]`
        : how === "twice in an array"
          ? `[${obj},${obj}]`
          : obj;
  });

/** Each message route with a valid JSON body, and every field position its schema reads. */
const FIELD_POSITIONS: { path: string; valid: Record<string, unknown>; positions: string[] }[] = [
  {
    path: "/v2/room/Ops/notification",
    valid: {
      message: "m",
      card: {
        style: "link",
        title: "t",
        description: { value: "d", format: "text" },
        thumbnail: { url: "https://e.example/t.png", width: 1 },
        activity: { html: "<b>a</b>", icon: { url: "https://e.example/i.png" } },
        attributes: [{ label: "l", value: { label: "v", icon: "https://e.example/i.png" } }],
      },
    },
    positions: [
      "message",
      "message_format",
      "color",
      "notify",
      "from",
      "attach_to",
      "card",
      "card.style",
      "card.title",
      "card.id",
      "card.url",
      "card.format",
      "card.description",
      "card.description.value",
      "card.description.format",
      "card.thumbnail",
      "card.thumbnail.url",
      "card.thumbnail.width",
      "card.activity",
      "card.activity.html",
      "card.activity.icon",
      "card.activity.icon.url",
      "card.attributes",
      "card.attributes.0",
      "card.attributes.0.label",
      "card.attributes.0.value",
      "card.attributes.0.value.label",
      "card.attributes.0.value.url",
      "card.attributes.0.value.icon",
      "card.icon",
    ],
  },
  { path: "/v2/room/Ops/message", valid: { message: "m" }, positions: ["message"] },
  {
    path: "/v2/room/Ops/share/link",
    valid: { link: "https://e.example/", message: "m" },
    positions: ["link", "message", "from"],
  },
  {
    path: "/v2/user/123/message",
    valid: { message: "m" },
    positions: ["message", "message_format", "notify", "from"],
  },
  {
    path: "/v1/rooms/message",
    valid: { room_id: "Ops", message: "m" },
    positions: ["room_id", "message", "from", "message_format", "color", "notify", "format"],
  },
];

/** A JSON document with the value at a dotted path replaced by raw JSON text. */
function withJsonAt(doc: Record<string, unknown>, path: string, json: string): string {
  const marker = "\u0000HOSTILE\u0000";
  const copy = structuredClone(doc);
  const keys = path.split(".");
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1]] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), json);
}

/** A hostile object in any field position of any message route: a 400 naming that position. */
const hostileField = fc
  .tuple(
    fc
      .nat(FIELD_POSITIONS.length - 1)
      .chain((i) => fc.tuple(fc.constant(FIELD_POSITIONS[i]), fc.constantFrom(...FIELD_POSITIONS[i].positions))),
    hostileJson,
    form,
  )
  .map(([[route, position], json, f]) => ({
    ...reject("hostile field value", {
      ...notification(withJsonAt(route.valid, position, json), jsonHeaders(), f),
      path: route.path,
    }),
    names: position,
  }));

/**
 * Client text the proxy logs, far too long to log whole: a v1 `room_id` of up to 900,000 characters,
 * a long path, method or trace id. Each is refused, and its log line must stay small.
 */
const oversizedLoggedParts = fc
  .tuple(
    fc.constantFrom("v1 room_id", "path", "method", "trace id"),
    fc.integer({ min: 1_000, max: 900_000 }),
    fc.constantFrom("r", "é", "\u0001", '"', "😀"),
    form,
  )
  .map(([part, n, unit, f]) => {
    // Whole units, so an astral character is never cut in half; a room_id whose form stays under 1 MB.
    const max = part === "v1 room_id" ? Math.floor(900_000 / encodeURIComponent(unit).length) : 60_000;
    const long = unit.repeat(Math.max(1, Math.floor(Math.min(n, max) / unit.length)));

    if (part === "v1 room_id")
      return reject(
        "oversized logged parts",
        notification(
          new URLSearchParams({ room_id: long, message: "m" }).toString(),
          [["Content-Type", "application/x-www-form-urlencoded"]],
          f,
          {
            path: "/v1/rooms/message",
          },
        ),
      );
    const base = notification(JSON.stringify({ message: "m" }), jsonHeaders(), f);
    if (part === "path")
      return reject("oversized logged parts", { ...base, path: `/v2/room/Ops/${encodeURIComponent(long)}` });
    if (part === "method")
      return reject("oversized logged parts", { ...base, method: `M${"M".repeat(Math.min(n, 60_000))}` });
    // A trace id header of the client's own, on a refused request (the room is not configured).
    return reject("oversized logged parts", {
      ...base,
      path: "/v2/room/Nowhere/notification",
      headers: [...base.headers, ["X-Amzn-Trace-Id", long]],
    });
  });

/** Deeply nested JSON: as the whole body (no message), or inside a card field the schema checks. */
const deepNesting = fc
  .tuple(
    fc.integer({ min: 100, max: 60_000 }),
    fc.constantFrom("body", "card.description", "card.attributes", "message"),
    form,
  )
  .map(([depth, where, f]) => {
    const nest = (inner: string) => '{"value":'.repeat(depth) + inner + "}".repeat(depth);
    const arrays = "[".repeat(depth) + "]".repeat(depth);
    const body =
      where === "body"
        ? nest('"x"')
        : where === "message"
          ? `{"message":${arrays}}`
          : where === "card.description"
            ? `{"message":"ok","card":{"style":"link","title":"t","description":${nest('"x"')}}}`
            : `{"message":"ok","card":{"style":"link","title":"t","attributes":${arrays}}}`;
    return reject("deeply nested", notification(body, jsonHeaders(), f));
  });

/** Over the ALB's 1 MB, as text and as base64 (the ALB would refuse it; the handler must too). */
const oversize = fc.tuple(fc.integer({ min: 1, max: 64 * 1024 }), fc.boolean(), form).map(([extra, binary, f]) => {
  const size = MAX_BODY_BYTES + extra;
  const text = `{"message":"${"x".repeat(size - 15)}"}`;
  return reject(
    "over 1 MB",
    binary
      ? notification(
          Buffer.from(`message=${"y".repeat(size)}`),
          [["Content-Type", "application/x-www-form-urlencoded"]],
          f,
        )
      : notification(text, jsonHeaders(), f),
  );
});

/** Bytes that are not UTF-8 (the ALB base64-encodes a form body; the proxy must refuse, not guess). */
const invalidUtf8 = fc
  .tuple(
    fc.uint8Array({ minLength: 1, maxLength: 300 }),
    fc.constantFrom(
      new Uint8Array([0xc3]),
      new Uint8Array([0xff]),
      new Uint8Array([0xed, 0xa0, 0x80]),
      new Uint8Array([0xf8, 0x88, 0x80, 0x80, 0x80]),
      new Uint8Array([0xc0, 0xaf]),
    ),
    fc.nat(300),
    fc.constantFrom("application/x-www-form-urlencoded", "application/octet-stream", ""),
    form,
  )
  .map(([bytes, bad, at, type, f]) => {
    const i = Math.min(at, bytes.length);
    return { body: new Uint8Array([...bytes.slice(0, i), ...bad, ...bytes.slice(i)]), type, f };
  })
  // A lead byte followed by a continuation byte can happen to be valid: keep only what is not UTF-8.
  .filter(({ body }) => !isUtf8(body))
  .map(({ body, type, f }) => reject("invalid UTF-8", notification(body, type ? [["Content-Type", type]] : [], f)));

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** `isBase64Encoded: true` with a body no base64 decoder should accept. */
const badBase64 = fc
  .tuple(
    fc.oneof(
      fc
        .tuple(
          fc.base64String({ maxLength: 200 }),
          fc.constantFrom("!", "*", "-", "_", "é", "\u0000", "%", "."),
          fc.nat(200),
        )
        .map(([b, c, at]) => b.slice(0, at) + c + b.slice(at)),
      fc
        .base64String({ minLength: 4, maxLength: 200 })
        .map((b) => `${b.replace(/=+$/, "")}A`)
        .filter((b) => b.length % 4 === 1),
      fc.constantFrom("====", "A===", "AB=C", "=AAA"),
    ),
    form,
  )
  .map(([b, f]) =>
    reject(
      "bad base64",
      notification(b, [["Content-Type", "application/x-www-form-urlencoded"]], f, { isBase64Encoded: true }),
    ),
  );

/** Room names with `/`, `..`, NUL, control characters, over-long; never a configured room. */
const hostileRoom = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(
        "..",
        "../Ops",
        "Ops/..",
        "%2e%2e",
        "%2E%2E%2F",
        "Ops%2F",
        "Ops%2f..",
        "%00",
        "Ops%00",
        "%0d%0aX-Injected:%201",
        "Ops%0A",
        "%7F",
        "%C0%AE%C0%AE",
        "%",
        "%zz",
        "Ops%",
      ),
      fc
        .tuple(
          fc.string({ maxLength: 20 }),
          fc.constantFrom("/", "..", "%00", "%2F", "%01", "%1f", "\u0001", "\u007f", "%0D%0A"),
          fc.string({ maxLength: 20 }),
        )
        .map(([a, bad, b]) => a + bad + b),
      fc.nat(200).map((n) => "r".repeat(101 + n)),
    ),
    validAuth,
    form,
    fc.constantFrom("notification", "message", "share/link"),
  )
  .map(([room, auth, f, route]) =>
    reject("hostile room name", {
      method: "POST",
      path: `/v2/room/${room.replace(/[ ?#]/g, encodeURIComponent)}/${route}`,
      query: auth.query,
      headers: jsonHeaders(auth.headers),
      body: JSON.stringify({ message: "hello", link: "https://example.com", ...auth.body }),
      form: f,
    }),
  );

/** No token, a wrong one, a token of the wrong type, or a room token used elsewhere. */
const badAuth = fc
  .tuple(
    fc.oneof(
      fc.constant<Auth>({ query: [], headers: [], body: {} }),
      fc
        .string({ minLength: 1, maxLength: 80 })
        .filter((t) => t.trim() !== "" && t.trim() !== TOKENS.admin && t.trim() !== TOKENS.opsOnly)
        .chain((t) => authFor(t)),
      fc.constant<Auth>({
        query: [],
        headers: [["Authorization", `Basic ${Buffer.from(`x:${TOKENS.admin}`).toString("base64")}`]],
        body: {},
      }),
      fc.constant<Auth>({ query: [], headers: [["Authorization", "Bearer"]], body: {} }),
    ),
    form,
  )
  .map(([auth, f]) =>
    reject("missing or unknown token", {
      method: "POST",
      path: "/v2/room/Ops/notification",
      query: auth.query,
      headers: jsonHeaders(auth.headers),
      body: JSON.stringify({ message: "hello", ...auth.body }),
      form: f,
    }),
  );

const wrongTypedToken = fc
  .tuple(
    fc.oneof(
      fc.integer(),
      fc.array(fc.constant(TOKENS.admin)),
      fc.constant({ token: TOKENS.admin }),
      fc.constant(null),
    ),
    form,
  )
  .map(([t, f]) =>
    reject("token of the wrong type", {
      ...notification(JSON.stringify({ message: "x", auth_token: t }), jsonHeaders(), f),
      query: [],
    }),
  );

const scopedTokenElsewhere = form.map((f) =>
  reject("room token on another room", {
    ...notification(JSON.stringify({ message: "x" }), jsonHeaders(), f),
    path: "/v2/room/42/notification",
    query: [["auth_token", TOKENS.opsOnly]],
  }),
);

/** Unknown routes, wrong methods, methods no client sends. */
const wrongRoute = fc
  .tuple(
    fc.oneof(
      fc.constantFrom("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "get", "POST\r\nX: y", ""),
      fc.string({ maxLength: 10 }),
    ),
    fc.oneof(
      fc.constantFrom(
        "/",
        "/v2",
        "/v2/room/Ops",
        "/v2/room/Ops/history",
        "/v2/room/Ops/notification/extra",
        "/v1/rooms/show",
        "/v2/user",
        "//",
        "/healthz/x",
        "/v2/room/Ops/webhook",
      ),
      // Known paths, for the methods they do not allow (405 with Allow).
      fc.constantFrom(
        "/v2/room/Ops/notification",
        "/v2/room/Ops/message",
        "/v2/room/Ops/share/link",
        "/v2/user/123/message",
        "/v1/rooms/message",
        "/v2/room",
        "/v1/rooms/list",
        "/healthz",
      ),
      fc.webPath(),
    ),
    form,
  )
  .filter(
    ([method, path]) =>
      !(method.toUpperCase() === "POST" && /^\/v[12]\/(room|rooms|user)\//.test(path)) && !/^(GET|HEAD)$/i.test(method),
  )
  .map(([method, path, f]) =>
    reject("unknown route or method", {
      method,
      path,
      query: [["auth_token", TOKENS.admin]],
      headers: jsonHeaders(),
      body: JSON.stringify({ message: "x" }),
      form: f,
    }),
  );

const unsupportedType = fc
  .tuple(
    fc.constantFrom(
      "application/xml",
      "text/html",
      "multipart/form-data; boundary=x",
      "image/png",
      "application/x-www-form-urlencodedX",
      "text/csv",
    ),
    form,
  )
  .map(([type, f]) =>
    reject("unsupported content type", notification(JSON.stringify({ message: "x" }), [["Content-Type", type]], f)),
  );

/**
 * Gives a case a short printed form, so a failing counterexample (fast-check prints it) stays
 * readable when its body is a megabyte.
 */
export function printable(c: FuzzCase): FuzzCase {
  const preview = (b: unknown) =>
    typeof b === "string"
      ? b.length > 200
        ? `${b.slice(0, 200)}…(${b.length} chars)`
        : b
      : b instanceof Uint8Array
        ? `<${b.length} bytes: ${Buffer.from(b.slice(0, 60)).toString("hex")}…>`
        : b;
  const text = JSON.stringify(
    { label: c.label, expect: c.expect, sends: c.sends, req: { ...c.req, body: preview(c.req.body) } },
    (_k, v: unknown) => (typeof v === "string" && v.length > 300 ? `${v.slice(0, 300)}…(${v.length} chars)` : v),
  );
  return Object.assign(c, { [fc.toStringMethod]: () => text });
}

/** Every request that must be refused, with the kinds weighted so each gets thousands of runs overall. */
export const invalidCase: fc.Arbitrary<FuzzCase> = fc
  .oneof(
    { arbitrary: malformedJson, weight: 10 },
    { arbitrary: nonObjectJson, weight: 3 },
    { arbitrary: malformedForm, weight: 6 },
    { arbitrary: wrongField, weight: 12 },
    { arbitrary: hostileField, weight: 10 },
    { arbitrary: oversizedLoggedParts, weight: 2 },
    { arbitrary: deepNesting, weight: 3 },
    { arbitrary: oversize, weight: 2 },
    { arbitrary: invalidUtf8, weight: 6 },
    { arbitrary: badBase64, weight: 6 },
    { arbitrary: hostileRoom, weight: 10 },
    { arbitrary: badAuth, weight: 6 },
    { arbitrary: wrongTypedToken, weight: 2 },
    { arbitrary: scopedTokenElsewhere, weight: 1 },
    { arbitrary: wrongRoute, weight: 6 },
    { arbitrary: unsupportedType, weight: 3 },
  )
  .map(printable);

export const validCase: fc.Arbitrary<FuzzCase> = fc
  .oneof({ arbitrary: validRequest, weight: 4 }, { arbitrary: validV1AndReads, weight: 1 })
  .map(printable);

// ---------------------------------------------------------------------------------------------
// Header and query injection on top of any case: the verdict must not change, and nothing the
// client sent may come back as a header.

const injectedHeader: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(
    fc.constantFrom("x-custom", "user-agent", "x-forwarded-for", "accept", "x-amzn-trace-id"),
    fc.stringMatching(/^[^\r\n]{0,40}(\r\n|\n|\r)[A-Za-z-]{1,20}: ?[^\r\n]{0,40}$/),
  ),
  fc.tuple(
    fc.constantFrom("x-big", "cookie", "user-agent", "referer", "x-amzn-trace-id"),
    fc.integer({ min: 8 * 1024, max: 60 * 1024 }).map((n) => "h".repeat(n)),
  ),
  fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,30}$/), fc.string({ unit: "binary", maxLength: 100 })),
  fc.tuple(
    fc.constant("Host"),
    fc.constantFrom("evil.example.com\r\nSet-Cookie: a=b", "a b", "x".repeat(5000), "[::1]:80", "example.com:99999"),
  ),
  fc.tuple(fc.constantFrom("__proto__", "constructor", "toString"), fc.constant("x")),
);
const injectedQuery: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(
    fc.constantFrom("x", "room_id", "format", "start-index", "auth_test", "callback"),
    fc.constantFrom("%0d%0aSet-Cookie:%20a=b", "%00", "%", "%E0%A4%A", "a+b%20c", "x".repeat(8000), "true%0a"),
  ),
  fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })),
  fc.tuple(
    fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"),
    fc.string({ maxLength: 10 }),
  ),
);

/**
 * Adds noise the verdict must not depend on: extra, repeated, CRLF-laden and huge headers, extra
 * query pairs, header-name case. `auth_test`, `auth_token` and `content-type` are left alone
 * (they legitimately change the verdict); a case stays `reject` or `any`, and stays `accept` unless
 * an injected query key is one a route reads its fields from (`room_id=%00` may rightly be refused).
 */
export function withInjection(base: fc.Arbitrary<FuzzCase>): fc.Arbitrary<FuzzCase> {
  return fc
    .tuple(base, fc.array(injectedHeader, { maxLength: 4 }), fc.array(injectedQuery, { maxLength: 4 }), fc.boolean())
    .map(([c, headers, query, upper]) => {
      const safeHeaders = headers.filter(
        ([k]) => !/^(authorization|content-type|content-length|transfer-encoding)$/i.test(k),
      );
      const safeQuery = query.filter(([k]) => !/^auth_(token|test)$/i.test(decodeLoosely(k)));
      const setsAField = safeQuery.some(([k]) => QUERY_FIELDS.test(decodeLoosely(k)));
      return printable({
        ...c,
        expect: c.expect === "accept" && setsAField ? "any" : c.expect,
        label: `${c.label} + injection`,
        req: {
          ...c.req,
          headers: [
            ...c.req.headers.map(([k, v]): [string, string] => [upper ? k.toUpperCase() : k, v]),
            ...safeHeaders,
          ],
          query: [...c.req.query, ...safeQuery],
        },
      });
    });
}

/** Query keys some route reads as fields (v1 GETs carry every field in the query; lists page with two). */
const QUERY_FIELDS = /^(room_id|from|message|message_format|notify|color|format|start-index|max-results)$/;

function decodeLoosely(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/**
 * A valid message whose token arrives twice: repeated `auth_token` keys (only the multi-value form
 * keeps both) and both header forms. Whatever is kept, the answer follows the rules.
 */
export const repeatedKeys: fc.Arbitrary<FuzzCase> = fc
  .tuple(
    fc.constantFrom<[string, string][]>(
      [
        ["auth_token", TOKENS.admin],
        ["auth_token", "wrong-token-123"],
      ],
      [
        ["auth_token", "wrong-token-123"],
        ["auth_token", TOKENS.admin],
      ],
    ),
    form,
    fc.boolean(),
  )
  .map(([query, f, twoTypes]) =>
    printable({
      label: "repeated keys",
      expect: "any" as const,
      sends: 1 as const,
      req: {
        method: "POST",
        path: "/v2/room/Ops/notification",
        query,
        headers: [
          ["Content-Type", "application/json"],
          ...(twoTypes ? [["Content-Type", "text/plain"] as [string, string]] : []),
        ] as [string, string][],
        body: JSON.stringify({ message: "repeated" }),
        form: f,
      },
    }),
  );

/**
 * Events an ALB would not build but a test console or a bad integration might: missing or null
 * parts. The handler must still answer (never throw); the verdict is free.
 */
export const oddEvent: fc.Arbitrary<ALBEvent> = fc
  .tuple(
    fc.record(
      {
        httpMethod: fc.oneof(fc.constantFrom("POST", "GET"), fc.constant(undefined)),
        path: fc.oneof(fc.constantFrom("/v2/room/Ops/notification", "", "/"), fc.constant(undefined)),
        headers: fc.oneof(
          fc.constant(null),
          fc.constant(undefined),
          fc.constant({ "content-type": "application/json" }),
          fc.constant({ "content-type": undefined }),
        ),
        queryStringParameters: fc.oneof(
          fc.constant(null),
          fc.constant(undefined),
          fc.constant({ auth_token: TOKENS.admin }),
        ),
        body: fc.oneof(fc.constant(null), fc.constant(undefined), fc.constant(""), fc.constant('{"message":"odd"}')),
        isBase64Encoded: fc.oneof(fc.boolean(), fc.constant(undefined)),
      },
      { requiredKeys: [] },
    ),
    fc.boolean(),
  )
  .map(
    ([parts, withContext]) =>
      ({
        ...(withContext ? { requestContext: { elb: { targetGroupArn: "arn:tg" } } } : {}),
        ...parts,
      }) as unknown as ALBEvent,
  );
