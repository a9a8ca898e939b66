/**
 * The AWS side of CI, per account: components that create the roles the workflows assume.
 *
 * - {@link WorkloadCiAccess}, in an account that runs a stack of the program: GitHub's OIDC
 *   provider, the deploy role (its CI job and operators) and the read-only preview role (pull
 *   requests).
 * - {@link DnsCiAccess}, in the account that holds the public zones: the certificate-validation role
 *   (trusted by the workload accounts' deploy roles) and a read-only role for previews (trusted by
 *   their preview roles).
 *
 * The policy documents are in ./policies.ts; which account gets what is decided in ./plan.ts.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import {
  crossAccountTrustPolicy,
  deployPolicy,
  deployTrustPolicy,
  dnsPreviewPolicy,
  dnsValidationPolicy,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  githubTrustPolicy,
  previewPolicy,
  type ValidatedZone,
  type WorkloadPolicyArgs,
} from "./policies";

/** Role chaining caps sessions at one hour anyway; a deploy job has 50 minutes. */
const MAX_SESSION_SECONDS = 3600;

export interface WorkloadCiAccessArgs extends WorkloadPolicyArgs {
  /** `owner/name` of the GitHub repository. */
  githubRepository: string;
  /** The OIDC `sub` the deploy role trusts: main, or the approval environment for production-like stacks. */
  deploySubject: string;
  /** The OIDC `sub` the preview role trusts: pull requests. */
  previewSubject: string;
  /** ARN patterns (ArnLike) of this account's principals that may assume the deploy role. */
  operatorPrincipalArns: string[];
  /** Reuse the account's GitHub OIDC provider instead of creating one (there can be only one). */
  existingOidcProviderArn?: string;
  roleNames: { deploy: string; preview: string };
}

export class WorkloadCiAccess extends pulumi.ComponentResource {
  public readonly oidcProviderArn: pulumi.Output<string>;
  public readonly deployRoleArn: pulumi.Output<string>;
  public readonly previewRoleArn: pulumi.Output<string>;

  constructor(name: string, args: WorkloadCiAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hipchat-proxy-bootstrap:index:WorkloadCiAccess", name, {}, opts);
    const parent = { parent: this };

    this.oidcProviderArn =
      args.existingOidcProviderArn !== undefined
        ? pulumi.output(args.existingOidcProviderArn)
        : new aws.iam.OpenIdConnectProvider(
            `${name}-github`,
            // No thumbprints: AWS validates GitHub's certificate against its own trusted CAs.
            { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: [GITHUB_OIDC_AUDIENCE] },
            parent,
          ).arn;

    const deploy = new aws.iam.Role(
      `${name}-deploy`,
      {
        name: args.roleNames.deploy,
        description: `CI deploys (pulumi up) of ${args.githubRepository} to this account; operators.`,
        maxSessionDuration: MAX_SESSION_SECONDS,
        assumeRolePolicy: this.oidcProviderArn.apply((arn) =>
          JSON.stringify(
            deployTrustPolicy({
              oidcProviderArn: arn,
              subject: args.deploySubject,
              account: args.account,
              operatorPrincipalArns: args.operatorPrincipalArns,
              partition: args.partition,
            }),
          ),
        ),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-deploy`,
      { role: deploy.id, name: "deploy", policy: JSON.stringify(deployPolicy(args)) },
      parent,
    );

    const preview = new aws.iam.Role(
      `${name}-preview`,
      {
        name: args.roleNames.preview,
        description: `CI previews (pulumi preview, read-only) of ${args.githubRepository} pull requests.`,
        maxSessionDuration: MAX_SESSION_SECONDS,
        assumeRolePolicy: this.oidcProviderArn.apply((arn) =>
          JSON.stringify(githubTrustPolicy(arn, args.previewSubject)),
        ),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-preview`,
      { role: preview.id, name: "preview-read-only", policy: JSON.stringify(previewPolicy(args)) },
      parent,
    );

    this.deployRoleArn = deploy.arn;
    this.previewRoleArn = preview.arn;
    this.registerOutputs({
      oidcProviderArn: this.oidcProviderArn,
      deployRoleArn: this.deployRoleArn,
      previewRoleArn: this.previewRoleArn,
    });
  }
}

export interface DnsCiAccessArgs {
  partition?: string;
  /** The public zones, each with the host names validated in it. */
  zones: ValidatedZone[];
  /** Deploy roles of the workload accounts: they may assume the validation role. */
  deployRoleArns: string[];
  /** Preview roles of the workload accounts: they may assume the DNS preview role. */
  previewRoleArns: string[];
  roleNames: { dnsValidation: string; dnsPreview: string };
}

export class DnsCiAccess extends pulumi.ComponentResource {
  public readonly validationRoleArn: pulumi.Output<string>;
  public readonly previewRoleArn: pulumi.Output<string>;

  constructor(name: string, args: DnsCiAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("hipchat-proxy-bootstrap:index:DnsCiAccess", name, {}, opts);
    const parent = { parent: this };

    const validation = new aws.iam.Role(
      `${name}-validation`,
      {
        name: args.roleNames.dnsValidation,
        description: "ACM DNS validation records of the hipchat-proxy stacks, for their deploy roles.",
        maxSessionDuration: MAX_SESSION_SECONDS,
        assumeRolePolicy: JSON.stringify(crossAccountTrustPolicy(args.deployRoleArns, args.partition)),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-validation`,
      {
        role: validation.id,
        name: "certificate-validation-records",
        policy: JSON.stringify(dnsValidationPolicy(args.zones, args.partition)),
      },
      parent,
    );

    const preview = new aws.iam.Role(
      `${name}-preview`,
      {
        name: args.roleNames.dnsPreview,
        description: "Read-only view of the public zones, for the previews of the hipchat-proxy stacks.",
        maxSessionDuration: MAX_SESSION_SECONDS,
        assumeRolePolicy: JSON.stringify(crossAccountTrustPolicy(args.previewRoleArns, args.partition)),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-preview`,
      { role: preview.id, name: "read-zones", policy: JSON.stringify(dnsPreviewPolicy(args.zones, args.partition)) },
      parent,
    );

    this.validationRoleArn = validation.arn;
    this.previewRoleArn = preview.arn;
    this.registerOutputs({ validationRoleArn: this.validationRoleArn, previewRoleArn: this.previewRoleArn });
  }
}
