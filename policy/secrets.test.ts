/**
 * The secret heuristics on their own: exact values for the building blocks, and properties for
 * what must never be flagged (false positives block deploys) and what must almost always be.
 */
import { randomBytes } from "node:crypto";

import fc from "fast-check";

import {
  classSwitchRatio,
  findSecretLikeVariables,
  isArn,
  looksRandom,
  MIN_RANDOM_LENGTH,
  secretReason,
  shannonEntropy,
} from "./secrets";

describe("shannonEntropy", () => {
  it.each([
    ["", 0],
    ["aaaa", 0],
    ["ab", 1],
    ["abcd", 2],
    ["0123456789abcdef", 4],
  ])("of %j is %d bits per character", (s, bits) => {
    expect(shannonEntropy(s)).toBeCloseTo(bits, 10);
  });
});

describe("classSwitchRatio", () => {
  it.each([
    ["abc", 0],
    ["aB1", 1],
    ["ab-12", 1 / 3], // the dash is ignored: a, b, 1, 2
    ["x", 0],
  ])("of %j is %d", (s, ratio) => {
    expect(classSwitchRatio(s)).toBeCloseTo(ratio, 10);
  });
});

describe("isArn", () => {
  it.each([
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hipchat-proxy/slack-AbCdEf",
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234",
    "arn:aws-cn:s3:::bucket",
  ])("accepts %s", (value) => expect(isArn(value)).toBe(true));

  it.each(["arn:", "hipchat-proxy/slack", "https://example.com", "arn:gcp:x:y:z:1"])("rejects %s", (value) =>
    expect(isArn(value)).toBe(false),
  );
});

describe("looksRandom", () => {
  it.each([
    ["base64", () => randomBytes(24).toString("base64")],
    ["base64url", () => randomBytes(24).toString("base64url")],
    ["hex", () => randomBytes(MIN_RANDOM_LENGTH / 2).toString("hex")],
  ])("flags random %s tokens of the minimum length, nearly always", (_encoding, make) => {
    // Act
    const missed = Array.from({ length: 2000 }, make).filter((token) => !looksRandom(token));

    // Assess: a heuristic, so some misses are allowed (about 3.5% measured at this length, far
    // below the 6% limit); the name rule and the credential patterns cover most of what it misses.
    expect(missed.length / 2000).toBeLessThan(0.06);
  });

  it("never flags identifiers, words or numbers", () => {
    // Names like "hipchat-proxy-production-alerts-2024" or "HipchatProxyProductionAlertsV2". (Made
    // of random letters instead of words, about 1 in 1,000 would pass for random: it is one.)
    const word = fc.constantFrom(
      ..."hipchat proxy slack private lambda service production staging development alerts deploys channel room notify ops platform team default webhook message handler target group listener balancer internal secret token cache region account network monitor".split(
        " ",
      ),
    );
    const identifier = fc
      .tuple(
        fc.array(word, { minLength: 3, maxLength: 8 }),
        fc.constantFrom("-", "_", ".", ""),
        fc.boolean(),
        fc.option(fc.stringMatching(/^(v\d|\d{4})$/), { nil: undefined }),
      )
      .map(([words, sep, capitalize, suffix]) =>
        [...words.map((w) => (capitalize ? w[0].toUpperCase() + w.slice(1) : w)), ...(suffix ? [suffix] : [])].join(
          sep,
        ),
      );
    fc.assert(fc.property(identifier, (id) => !looksRandom(id)));
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 60n }), (n) => !looksRandom(n.toString())));
  });

  it("never flags shorter values than the minimum length", () => {
    fc.assert(fc.property(fc.string({ maxLength: MIN_RANDOM_LENGTH - 1 }), (s) => !looksRandom(s)));
  });
});

describe("secretReason", () => {
  it("never flags an ARN under a reference name", () => {
    const arn = fc
      .tuple(
        fc.stringMatching(/^[a-z0-9-]{2,20}$/),
        fc.stringMatching(/^[a-z]{2}-[a-z]+-\d$/),
        fc.stringMatching(/^\d{12}$/),
        fc.stringMatching(/^[A-Za-z0-9/_+=.@-]{1,60}$/),
      )
      .map(([service, region, account, rest]) => `arn:aws:${service}:${region}:${account}:${rest}`);
    const name = fc.stringMatching(/^[A-Z]{1,8}_(TOKEN|SECRET|PASSWORD|KEY)(_ARN|_ID|ID)$/);
    fc.assert(fc.property(name, arn, (n, a) => secretReason(n, a) === undefined));
  });

  it("never flags numbers or booleans, whatever the name", () => {
    const value = fc.oneof(fc.nat().map(String), fc.constantFrom("true", "false", "TRUE", "off", "enabled", "0.5"));
    fc.assert(fc.property(value, (v) => secretReason("SECRET_CACHE_TTL_MS", v) === undefined));
  });

  it("always flags a Slack token, whatever the name", () => {
    const token = fc
      .tuple(fc.constantFrom("b", "p", "a", "o", "r", "s"), fc.stringMatching(/^[A-Za-z0-9-]{8,60}$/))
      .map(([kind, rest]) => `xox${kind}-${rest}`);
    fc.assert(fc.property(fc.stringMatching(/^[A-Z_]{1,20}$/), token, (n, t) => secretReason(n, t) !== undefined));
  });
});

describe("findSecretLikeVariables", () => {
  it("reports names and reasons, never values", () => {
    // Prepare
    const token = "xoxb-1234567890-abcdefghijkl";

    // Act
    const findings = findSecretLikeVariables([
      ["SLACK_TOKEN", token],
      ["LOG_LEVEL", "debug"],
    ]);

    // Assess
    expect(findings).toEqual([{ variable: "SLACK_TOKEN", reason: expect.stringContaining("Slack token") }]);
    expect(JSON.stringify(findings)).not.toContain(token);
  });

  it("ignores non-string values and allowed names", () => {
    expect(
      findSecretLikeVariables(
        [
          ["API_KEY", 12345],
          ["DB_PASSWORD", "hunter2"],
        ],
        { allowedNames: ["DB_PASSWORD"] },
      ),
    ).toEqual([]);
  });
});
