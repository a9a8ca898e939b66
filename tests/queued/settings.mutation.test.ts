/**
 * The settings of queued delivery, pinned: each variable's default, its range (the bound accepted,
 * one past it refused, with the message naming the variable and the range), the mode, and that the
 * environment's retry policy (AWS's or `npm start`'s) is the base the variables change.
 */
import { AWS_RETRY_POLICY, LOCAL_RETRY_POLICY, type RetryPolicy } from "../../handler/delivery/deliver";
import { type DeliveryEnvironment, parseDeliverySettings } from "../../handler/delivery/settings";
import { SettingsError } from "../../handler/settings";

/** What parsing does: the settings, or the error's class and message. */
function outcome(env: DeliveryEnvironment, defaults?: RetryPolicy) {
  try {
    return { settings: parseDeliverySettings(env, defaults) };
  } catch (err) {
    return { error: [err instanceof SettingsError, (err as Error).message] };
  }
}

describe("the delivery settings", () => {
  it("default to direct mode and AWS's retry policy", () => {
    expect(parseDeliverySettings({})).toStrictEqual({
      mode: "direct",
      spacingMs: 1000,
      policy: { baseDelayMs: 10_000, maxDelayMs: 1_800_000, maxAttempts: 48, maxInlineWaitMs: 10_000 },
      concurrency: 8,
    });
  });

  it("take the environment's policy as their defaults, keeping what no variable sets", () => {
    expect(parseDeliverySettings({}, LOCAL_RETRY_POLICY)).toStrictEqual({
      mode: "direct",
      spacingMs: 1000,
      policy: { ...LOCAL_RETRY_POLICY },
      concurrency: 8,
    });
    const custom: RetryPolicy = { baseDelayMs: 11, maxDelayMs: 22, maxAttempts: 3, maxInlineWaitMs: 44 };
    expect(
      parseDeliverySettings(
        { DELIVERY_MAX_ATTEMPTS: "5", DELIVERY_RETRY_BASE_MS: "20", DELIVERY_RETRY_MAX_MS: "30" },
        custom,
      ).policy,
    ).toStrictEqual({ baseDelayMs: 20, maxDelayMs: 30, maxAttempts: 5, maxInlineWaitMs: 44 });
    // The defaults object itself is left as it was.
    expect(AWS_RETRY_POLICY).toEqual({
      baseDelayMs: 10_000,
      maxDelayMs: 1_800_000,
      maxAttempts: 48,
      maxInlineWaitMs: 10_000,
    });
  });

  it("read every variable", () => {
    expect(
      parseDeliverySettings({
        DELIVERY_MODE: "queued",
        DELIVERY_SPACING_MS: "250",
        DELIVERY_RETRY_BASE_MS: "500",
        DELIVERY_RETRY_MAX_MS: "60000",
        DELIVERY_MAX_ATTEMPTS: "7",
        DELIVERY_CONCURRENCY: "16",
      }),
    ).toStrictEqual({
      mode: "queued",
      spacingMs: 250,
      policy: { baseDelayMs: 500, maxDelayMs: 60_000, maxAttempts: 7, maxInlineWaitMs: 10_000 },
      concurrency: 16,
    });
  });

  // The mode is read without regard to case or surrounding blanks; empty or blank means the default.
  it.each([
    [undefined, "direct"],
    ["", "direct"],
    ["   ", "direct"],
    ["direct", "direct"],
    ["queued", "queued"],
    [" queued\t", "queued"],
    ["QUEUED", "queued"],
    [" Direct ", "direct"],
  ])("DELIVERY_MODE %j is %s", (value, mode) => {
    expect(parseDeliverySettings({ DELIVERY_MODE: value }).mode).toBe(mode);
  });

  it.each([
    ["later", 'DELIVERY_MODE: expected direct or queued, got "later"'],
    ["queue", 'DELIVERY_MODE: expected direct or queued, got "queue"'],
    [" sqs ", 'DELIVERY_MODE: expected direct or queued, got " sqs "'],
  ])("DELIVERY_MODE %j is refused, quoted as given", (value, message) => {
    expect(outcome({ DELIVERY_MODE: value })).toEqual({ error: [true, message] });
  });

  // Each number: its range, the lowest and highest accepted, one past each refused. The retry
  // variables are read together (the longest delay may not be below the first), so their bounds
  // are tried with the other one set where it does not get in the way.
  type Pick = (s: ReturnType<typeof parseDeliverySettings>) => number;
  const NUMBERS: [keyof DeliveryEnvironment, number, number, Pick, DeliveryEnvironment, DeliveryEnvironment][] = [
    ["DELIVERY_SPACING_MS", 1, 60_000, (s) => s.spacingMs, {}, {}],
    [
      "DELIVERY_RETRY_BASE_MS",
      10,
      3_600_000,
      (s) => s.policy.baseDelayMs,
      { DELIVERY_RETRY_MAX_MS: "43200000" },
      { DELIVERY_RETRY_MAX_MS: "43200000" },
    ],
    [
      "DELIVERY_RETRY_MAX_MS",
      10,
      43_200_000,
      (s) => s.policy.maxDelayMs,
      { DELIVERY_RETRY_BASE_MS: "10" },
      { DELIVERY_RETRY_BASE_MS: "10" },
    ],
    ["DELIVERY_MAX_ATTEMPTS", 1, 10_000, (s) => s.policy.maxAttempts, {}, {}],
    ["DELIVERY_CONCURRENCY", 1, 256, (s) => s.concurrency, {}, {}],
  ];

  describe.each(NUMBERS)("%s, from %d to %d", (key, lo, hi, pick, withLo, withHi) => {
    const message = `${key}: expected an integer from ${lo} to ${hi}`;

    it.each([
      ["the lowest", String(lo), lo, withLo],
      ["the highest", String(hi), hi, withHi],
      ["with blanks around it", ` ${lo + 1} `, lo + 1, withLo],
    ])("takes %s (%j)", (_what, value, expected, other) => {
      expect(pick(parseDeliverySettings({ ...other, [key]: value }))).toBe(expected);
    });

    it.each([
      ["one below the lowest", String(lo - 1), withLo],
      ["one above the highest", String(hi + 1), withHi],
      ["a fraction", `${lo}.5`, withLo],
      ["a word", "soon", withLo],
      ["a number with a unit", `${lo}ms`, withLo],
    ])("refuses %s (%j), naming the variable and the range", (_what, value, other) => {
      expect(outcome({ ...other, [key]: value })).toEqual({ error: [true, message] });
    });

    it.each([
      ["empty", ""],
      ["blank", "  "],
    ])("an %s value means the default", (_what, value) => {
      expect(pick(parseDeliverySettings({ [key]: value }))).toBe(pick(parseDeliverySettings({})));
    });
  });

  it.each([
    ["equal", "5000", "5000", { baseDelayMs: 5000, maxDelayMs: 5000 }],
    ["the longest delay one above", "5000", "5001", { baseDelayMs: 5000, maxDelayMs: 5001 }],
  ])("a longest delay %s the first delay is taken", (_what, base, max, expected) => {
    expect(parseDeliverySettings({ DELIVERY_RETRY_BASE_MS: base, DELIVERY_RETRY_MAX_MS: max }).policy).toMatchObject(
      expected,
    );
  });

  it.each([
    ["one below the first delay", { DELIVERY_RETRY_BASE_MS: "5000", DELIVERY_RETRY_MAX_MS: "4999" }],
    // The default longest delay (AWS: 30 min) is checked against a first delay set above it.
    ["by default, below a first delay set above it", { DELIVERY_RETRY_BASE_MS: "1800001" }],
  ])("a longest delay %s is refused", (_what, env) => {
    expect(outcome(env)).toEqual({ error: [true, "DELIVERY_RETRY_MAX_MS: must be at least DELIVERY_RETRY_BASE_MS"] });
  });
});
