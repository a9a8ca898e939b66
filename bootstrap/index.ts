/**
 * Bootstrap of one AWS account for CI: the roles the workflows assume (docs/ci-and-bootstrap.md).
 * One stack per account, run once by an administrator (DNS account first), again when a stack is
 * added or its host names, VPC or DNS account change.
 */
import * as pulumi from "@pulumi/pulumi";

import { DnsCiAccess, WorkloadCiAccess } from "./ciAccess";
import { BootstrapError, planBootstrap } from "./plan";

const config = new pulumi.Config();
const accounts = new pulumi.Config("aws").getObject<unknown[]>("allowedAccountIds") ?? [];

let plan: ReturnType<typeof planBootstrap>;
try {
  plan = planBootstrap({
    account: accounts.length === 1 ? String(accounts[0]) : "",
    appStack: config.get("appStack"),
    githubRepository: config.get("githubRepository"),
    operatorPrincipalArns: config.getObject<string[]>("operatorPrincipalArns"),
    existingOidcProviderArn: config.get("existingOidcProviderArn"),
    stateBucket: config.get("stateBucket"),
    secretsKmsKeyArn: config.get("secretsKmsKeyArn"),
    mainBranch: config.get("mainBranch"),
  });
} catch (err) {
  throw err instanceof BootstrapError ? new pulumi.RunError(err.message) : err;
}

const workload = plan.workload ? new WorkloadCiAccess("ci", plan.workload) : undefined;
const dns = plan.dns ? new DnsCiAccess("dns", plan.dns) : undefined;

export const oidcProviderArn = workload?.oidcProviderArn;
export const deployRoleArn = workload?.deployRoleArn;
export const previewRoleArn = workload?.previewRoleArn;
export const dnsValidationRoleArn = dns?.validationRoleArn;
export const dnsPreviewRoleArn = dns?.previewRoleArn;
