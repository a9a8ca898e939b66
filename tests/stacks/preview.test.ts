/**
 * `pulumi preview` of the dev stack, emulated: the same program under mocks with preview=true.
 * In a preview, an output the mocks do not return stays unknown and any `apply` on it never runs;
 * this run proves every output the program reads is returned, so nothing hangs, and that the
 * certificate's validation record is part of the previewed graph.
 */
import * as pulumi from "@pulumi/pulumi";

import { unwrap } from "../support/pulumiMocks";
import { runStack, type StackRun } from "../support/pulumiStack";

let run: StackRun;

beforeAll(async () => {
  run = await runStack("dev", { preview: true });
});

it("runs as a preview", () => {
  expect(pulumi.runtime.isDryRun()).toBe(true);
});

it("resolves every exported output to a known value", async () => {
  const p = run.program;
  const outputs = [
    p.url,
    p.hostname,
    p.albDnsName,
    p.securityGroupId,
    p.functionName,
    p.functionArn,
    p.secretArn,
    p.zoneId,
  ];
  const values = await Promise.all(outputs.map((o) => unwrap(o, 5_000)));
  expect(values.every((v) => typeof v === "string" && v.length > 0)).toBe(true);
});

it("shows the whole graph, including the certificate's validation record and the listeners", () => {
  const names = run.mocks.resources.map((r) => `${r.type} ${r.name}`);
  expect(names).toEqual(
    expect.arrayContaining([
      "aws:route53/record:Record hipchat-proxy-cert-dns",
      "aws:acm/certificateValidation:CertificateValidation hipchat-proxy-cert-validation",
      "aws:lb/listener:Listener hipchat-proxy-https",
      "aws:lb/listener:Listener hipchat-proxy-http",
      "aws:lb/targetGroupAttachment:TargetGroupAttachment hipchat-proxy-tg-attachment",
      "aws:route53/record:Record hipchat-proxy-dns",
    ]),
  );
});
