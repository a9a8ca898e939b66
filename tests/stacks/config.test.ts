/**
 * loadStackConfig: typed values from the flat string map Pulumi hands the program, and a refusal
 * naming the key for anything missing or malformed. Each case replaces the whole config map.
 */
import * as pulumi from "@pulumi/pulumi";

import { loadStackConfig } from "../../config";
import { parseSettings, parseTokenList, rawSettings, SettingsError, type SettingsFile } from "../../handler/settings";
import { unwrap } from "../support/pulumiMocks";

const NS = "hipchat-proxy";

function minimal(): Record<string, unknown> {
  return {
    vpcId: "vpc-0123456789abcdef0",
    subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    hostname: "hipchat-proxy.private.example.com",
    rooms: { Deploys: "#deploys" },
    defaultChannel: "#hipchat",
    slackToken: "xoxb-test-token",
    hipchatTokens: [{ token: "hipchat-token-1" }],
  };
}

/** Sets the config as the CLI would (strings; objects as JSON; the two secrets marked secret) and loads it. */
function load(values: Record<string, unknown>) {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined) {
      flat[`${NS}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
  }
  pulumi.runtime.setAllConfig(flat, [`${NS}:slackToken`, `${NS}:hipchatTokens`]);
  return loadStackConfig(new pulumi.Config(NS));
}

describe("loadStackConfig", () => {
  it("reads the minimal config with the documented defaults", async () => {
    const cfg = load(minimal());
    expect(cfg).toMatchObject({
      vpcId: "vpc-0123456789abcdef0",
      subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
      hostname: "hipchat-proxy.private.example.com",
      rooms: { Deploys: "#deploys" },
      defaultChannel: "#hipchat",
      users: {},
      translateMentions: true,
      secretTtlSeconds: 300,
    });
    for (const key of [
      "privateZoneId",
      "allowedCidrBlocks",
      "allowedSecurityGroupIds",
      "certificateArn",
      "publicZoneId",
      "redirectHttpToHttps",
      "memorySize",
    ] as const) {
      expect(cfg[key]).toBeUndefined();
    }
    expect(await unwrap(cfg.slackToken)).toBe("xoxb-test-token");
    expect(await unwrap(cfg.hipchatTokens)).toEqual([{ token: "hipchat-token-1" }]);
    expect(await pulumi.isSecret(cfg.slackToken)).toBe(true);
    expect(await pulumi.isSecret(cfg.hipchatTokens)).toBe(true);
  });

  it("reads every optional key", () => {
    const cfg = load({
      ...minimal(),
      privateZoneId: "Z0123ABC",
      privateZoneName: "private.example.com",
      allowedSecurityGroupIds: ["sg-0123456789abcdef0"],
      allowedCidrBlocks: ["10.0.0.0/8"],
      legacyHostnames: ["hipchat.example.com"],
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
      redirectHttpToHttps: "false",
      rooms: { Deploys: "#deploys", Ops: { channel: "C0123ABCD", id: 42, name: "Ops" } },
      users: { jdoe: "U0123ABCD" },
      translateMentions: "false",
      secretTtlSeconds: "60",
      memorySize: "512",
      logRetentionInDays: "14",
    });
    expect(cfg).toMatchObject({
      privateZoneId: "Z0123ABC",
      privateZoneName: "private.example.com",
      allowedSecurityGroupIds: ["sg-0123456789abcdef0"],
      allowedCidrBlocks: ["10.0.0.0/8"],
      legacyHostnames: ["hipchat.example.com"],
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
      redirectHttpToHttps: false,
      rooms: { Deploys: "#deploys", Ops: { channel: "C0123ABCD", id: 42, name: "Ops" } },
      users: { jdoe: "U0123ABCD" },
      translateMentions: false,
      secretTtlSeconds: 60,
      memorySize: 512,
      logRetentionInDays: 14,
    });
  });

  it("defaults the concurrency ceiling to 50, and reads the network keys", () => {
    expect(load(minimal()).reservedConcurrency).toBe(50);
    expect(
      load({
        ...minimal(),
        reservedConcurrency: "20",
        allowedCidrBlocks: ["203.0.113.0/24"],
        allowPublicCidrs: "true",
        extraVpcIds: ["vpc-0123456789abcdef1"],
      }),
    ).toMatchObject({
      reservedConcurrency: 20,
      allowPublicCidrs: true,
      extraVpcIds: ["vpc-0123456789abcdef1"],
    });
  });

  it("reads an account without a VPC: neither vpcId nor subnetIds, optionally the new VPC's block", () => {
    const cfg = load({ ...minimal(), vpcId: undefined, subnetIds: undefined, vpcCidrBlock: "10.99.0.0/16" });
    expect(cfg.vpcId).toBeUndefined();
    expect(cfg.subnetIds).toBeUndefined();
    expect(cfg.vpcCidrBlock).toBe("10.99.0.0/16");
  });

  it("reads the DNS-validation keys", () => {
    const cfg = load({
      ...minimal(),
      publicZoneId: "Z0PUBLIC",
      publicZoneName: "example.com",
      dnsRoleArn: "arn:aws:iam::333333333333:role/dns",
    });
    expect(cfg).toMatchObject({
      publicZoneId: "Z0PUBLIC",
      publicZoneName: "example.com",
      dnsRoleArn: "arn:aws:iam::333333333333:role/dns",
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "subnetIds without vpcId",
      { vpcId: undefined },
      "Config hipchat-proxy:subnetIds needs hipchat-proxy:vpcId: set both (an existing VPC and its private subnets), or neither (the program creates a VPC).",
    ],
    ["vpcId without subnetIds", { subnetIds: undefined }, "Config hipchat-proxy:vpcId needs hipchat-proxy:subnetIds"],
    [
      "a VPC block for an existing VPC",
      { vpcCidrBlock: "10.1.0.0/16" },
      "Config hipchat-proxy:vpcCidrBlock applies only to the VPC the program creates",
    ],
    [
      "a public VPC block",
      { vpcId: undefined, subnetIds: undefined, vpcCidrBlock: "8.8.0.0/16" },
      'Config hipchat-proxy:vpcCidrBlock is invalid: VPC CIDR block "8.8.0.0/16" must be private',
    ],
    [
      "a VPC block larger than AWS allows",
      { vpcId: undefined, subnetIds: undefined, vpcCidrBlock: "10.0.0.0/8" },
      "must be an IPv4 network address from /16 to /24",
    ],
    [
      "a zero concurrency",
      { reservedConcurrency: "0" },
      "Config hipchat-proxy:reservedConcurrency must be an integer from 1 to 1000, got 0.",
    ],
    [
      "allowPublicCidrs without blocks",
      { allowPublicCidrs: "true" },
      "Config hipchat-proxy:allowPublicCidrs needs hipchat-proxy:allowedCidrBlocks.",
    ],
    [
      "a malformed extra VPC",
      { extraVpcIds: ["vpc-x"] },
      'Config hipchat-proxy:extraVpcIds must list VPC IDs (vpc-…), got "vpc-x".',
    ],
    ["a malformed vpcId", { vpcId: "my-vpc" }, 'Config hipchat-proxy:vpcId must be a VPC ID (vpc-…), got "my-vpc".'],
    [
      "subnetIds that are not JSON",
      { subnetIds: "subnet-0123456789abcdef0" },
      "Config hipchat-proxy:subnetIds is not valid JSON",
    ],
    [
      "subnetIds as one JSON string",
      { subnetIds: '"subnet-0123456789abcdef0"' },
      "Config hipchat-proxy:subnetIds must be a list of non-empty strings.",
    ],
    [
      "a malformed subnet",
      { subnetIds: ["subnet-0123456789abcdef0", "subnet-x"] },
      'must list subnet IDs (subnet-…), got "subnet-x"',
    ],
    ["a missing hostname", { hostname: undefined }, "Config hipchat-proxy:hostname is required."],
    ["an empty value", { hostname: "  " }, "Config hipchat-proxy:hostname is empty."],
    [
      "a malformed security group",
      { allowedSecurityGroupIds: ["web"] },
      'must list security group IDs (sg-…), got "web"',
    ],
    [
      "a typo in a key",
      { subnetId: ["subnet-0123456789abcdef0"] },
      "Config hipchat-proxy:subnetId is not a setting of this project",
    ],
    [
      "both certificate sources",
      { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/a", publicZoneId: "Z1" },
      "Config hipchat-proxy:certificateArn conflicts with hipchat-proxy:publicZoneId",
    ],
    [
      "a DNS role without a public zone",
      { dnsRoleArn: "arn:aws:iam::333333333333:role/dns" },
      "Config hipchat-proxy:dnsRoleArn needs hipchat-proxy:publicZoneId.",
    ],
    [
      "a public zone name without a zone",
      { publicZoneName: "example.com" },
      "Config hipchat-proxy:publicZoneName needs hipchat-proxy:publicZoneId.",
    ],
    ["a malformed certificate ARN", { certificateArn: "cert-1" }, "must be an ACM certificate ARN"],
    ["missing rooms", { rooms: undefined }, "Config hipchat-proxy:rooms is required."],
    ["empty rooms", { rooms: {} }, "Config hipchat-proxy:rooms must be a non-empty map"],
    ["a missing default channel", { defaultChannel: undefined }, "Config hipchat-proxy:defaultChannel is required."],
    ["a non-boolean switch", { translateMentions: "yes" }, "translateMentions"],
    [
      "a TTL out of range",
      { secretTtlSeconds: "100000" },
      "Config hipchat-proxy:secretTtlSeconds must be an integer from 0 to 86400, got 100000.",
    ],
    [
      "a user mapped to a name",
      { users: { jdoe: "@jdoe" } },
      'users.jdoe is invalid: "@jdoe" is not a Slack user ID (U… or W…)',
    ],
    [
      "a malformed extension layer",
      { secretsExtensionLayerArn: "AWS-Parameters-and-Secrets-Lambda-Extension" },
      "must be a Lambda layer version ARN",
    ],
  ])("refuses %s, naming the key", (_label, overrides, message) => {
    expect(() => load({ ...minimal(), ...overrides })).toThrow(message);
  });

  it("reads the Secrets extension layer", () => {
    const arn = "arn:aws:lambda:us-east-1:177933569100:layer:AWS-Parameters-and-Secrets-Lambda-Extension:12";
    expect(load({ ...minimal(), secretsExtensionLayerArn: arn }).secretsExtensionLayerArn).toBe(arn);
    expect(load(minimal()).secretsExtensionLayerArn).toBeUndefined();
  });

  it("refuses a missing secret", () => {
    expect(() => load({ ...minimal(), slackToken: undefined })).toThrow("slackToken");
  });

  it("refuses malformed secrets when they resolve, naming the key but not the value", async () => {
    const cfg = load({ ...minimal(), hipchatTokens: [{ token: "short" }] });
    const err = await unwrap(cfg.hipchatTokens).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain("Config hipchat-proxy:hipchatTokens.0.token is invalid");
    expect(err?.message).not.toContain("short");
    const notJson = load({ ...minimal(), hipchatTokens: "tok-not-json-12345" });
    const jsonErr = await unwrap(notJson.hipchatTokens).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(jsonErr?.message).toContain("Config hipchat-proxy:hipchatTokens is not valid JSON");
    expect(jsonErr?.message).not.toContain("tok-not-json");
    const bad = load({ ...minimal(), slackToken: "xoxb with spaces" });
    await expect(unwrap(bad.slackToken)).rejects.toThrow(
      "Config hipchat-proxy:slackToken must be a Slack token without spaces",
    );
  });
});

describe("one settings model: the stack refuses what the function would refuse", () => {
  /** What the function does with the same settings: its cold-start parser, fed the shipped document. */
  const handlerRefuses = (settings: SettingsFile): string | undefined => {
    try {
      parseSettings(rawSettings(settings));
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
  const LONG = "R".repeat(101);

  it.each<[string, Record<string, unknown>, string]>([
    ["a channel with a space", { rooms: { Ops: "ops channel" } }, "Config hipchat-proxy:rooms.Ops is invalid"],
    [
      "two rooms differing only in case",
      { rooms: { Ops: "#ops", ops: "#ops2" } },
      'rooms "Ops" and "ops" both answer to',
    ],
    ["a room name over 100 characters", { rooms: { [LONG]: "#ops" } }, "Config hipchat-proxy:rooms"],
    [
      "a default channel with a space",
      { defaultChannel: "hipchat general" },
      "hipchat-proxy:defaultChannel is invalid",
    ],
    [
      "a room whose name is another room's key",
      { rooms: { Ops: "#ops", X: { channel: "#x", name: "ops" } } },
      "both answer to",
    ],
    ["a room field the proxy does not know", { rooms: { Ops: { channel: "#ops", chanel: "#x" } } }, "rooms.Ops"],
    ["a user mapped to something not a Slack ID", { users: { jdoe: "jdoe" } }, "hipchat-proxy:users.jdoe is invalid"],
  ])("%s", (_, overrides, message) => {
    const values = { ...minimal(), ...overrides };
    expect(() => load(values)).toThrow(message);
    expect(
      handlerRefuses({
        rooms: values.rooms,
        defaultChannel: values.defaultChannel,
        users: values.users,
      }),
    ).toBeDefined();
  });

  it.each<[string, unknown[], string]>([
    ["a token with a space", [{ token: "hipchat token 1" }], "hipchat-proxy:hipchatTokens.0.token is invalid"],
    ["a repeated token", [{ token: "hipchat-token-1" }, { token: "hipchat-token-1" }], "repeats a token"],
    ["an empty list", [], "at least one token"],
    ["an unknown field", [{ token: "hipchat-token-1", room: ["x"] }], "hipchatTokens.0"],
  ])("refuses hipchatTokens with %s, without quoting the secret", async (_, tokens, message) => {
    const cfg = load({ ...minimal(), hipchatTokens: tokens });
    const err = await unwrap(cfg.hipchatTokens).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain(message);
    expect(err?.message).not.toContain("hipchat-token-1");
    expect(() => parseTokenList(tokens, "hipchatTokens")).toThrow(SettingsError);
  });

  it("ships exactly the settings it checked", () => {
    const cfg = load({ ...minimal(), users: { jdoe: "U0123ABCD" } });
    expect(cfg.settings).toEqual({
      rooms: { Deploys: "#deploys" },
      defaultChannel: "#hipchat",
      users: { jdoe: "U0123ABCD" },
      translateMentions: true,
      secretTtlSeconds: 300,
    });
    expect(handlerRefuses(cfg.settings)).toBeUndefined();
  });
});
