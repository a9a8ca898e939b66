/**
 * The status service as a function of its settings: one PrivateLambdaService, built from the
 * component's public API alone, with no secrets. No side effects on import, so tests can load it
 * after `pulumi.runtime.setMocks` (index.ts is the program that calls it).
 */
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";

// A consumer outside this repository imports the same names from "hipchat-proxy/components".
import { PrivateLambdaService } from "../../components";

/** The Pulumi project (Pulumi.yaml `name`), and so the namespace of the stack's config keys. */
export const PROJECT = "status-service";

/** What a stack configures (keys in the `status-service` namespace). */
export interface StatusServiceSettings {
  /** The VPC of the internal ALB. Required. */
  readonly vpcId: string;
  /** At least two private subnets of that VPC, in different Availability Zones. Required. */
  readonly subnetIds: readonly string[];
  /** The service's private DNS name. Required. */
  readonly hostname: string;
  /** The version `/status` reports. Default: "dev". */
  readonly version: string;
  /** An existing private zone (associated with the VPC) for the hostname. Default: a new one. */
  readonly privateZoneId?: string;
  /** That zone's domain, or the domain of the zone to create. Default: the hostname's parent. */
  readonly privateZoneName?: string;
  /** CIDR blocks that may reach the ALB. Default (with no security groups either): the VPC's CIDR. */
  readonly allowedCidrBlocks?: readonly string[];
  /** Security groups that may reach the ALB. Default: none. */
  readonly allowedSecurityGroupIds?: readonly string[];
  /** An ACM certificate for HTTPS. Default: none (HTTP :80 only). */
  readonly certificateArn?: string;
  /** Log retention in days (a CloudWatch Logs period). Default: 14. */
  readonly logRetentionInDays?: number;
}

/**
 * Reads the stack's settings. `getObject` does not check types (pulumi#8520), so lists are checked
 * here; everything else (subnet count, CIDR blocks, DNS names, retention) is checked by the
 * component's own validation, which names the argument.
 *
 * @throws Error naming the config key.
 */
export function loadSettings(config: pulumi.Config): StatusServiceSettings {
  const strings = (key: string): string[] | undefined => {
    const value = config.getObject<unknown>(key);
    if (value === undefined) {
      return undefined;
    }
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
      throw new Error(`Config ${config.name}:${key} must be a list of strings.`);
    }
    return value as string[];
  };
  const subnetIds = strings("subnetIds");
  if (subnetIds === undefined) {
    throw new Error(`Missing required configuration variable '${config.name}:subnetIds' (a list of subnet IDs).`);
  }
  return {
    vpcId: config.require("vpcId"),
    subnetIds,
    hostname: config.require("hostname"),
    version: config.get("version") ?? "dev",
    privateZoneId: config.get("privateZoneId"),
    privateZoneName: config.get("privateZoneName"),
    allowedCidrBlocks: strings("allowedCidrBlocks"),
    allowedSecurityGroupIds: strings("allowedSecurityGroupIds"),
    certificateArn: config.get("certificateArn"),
    logRetentionInDays: config.getNumber("logRetentionInDays"),
  };
}

/**
 * Builds the status service: an internal ALB at `settings.hostname` in front of the status handler.
 *
 * @param name The component's name; children are named `${name}-…`, and `/status` reports it.
 */
export function createStatusService(
  name: string,
  settings: StatusServiceSettings,
  opts?: pulumi.ComponentResourceOptions,
): PrivateLambdaService {
  return new PrivateLambdaService(
    name,
    {
      // The module exporting callbackFactory(); the component bundles it with everything it imports.
      entry: path.join(__dirname, "handler.ts"),
      // No `secrets`: the service has none, so there is no secret, no SECRET_ARN and no Secrets
      // Manager permission.
      environment: { SERVICE_NAME: name, SERVICE_VERSION: settings.version },
      memorySize: 128,
      timeout: 5,
      logRetentionInDays: settings.logRetentionInDays ?? 14,
      vpcId: settings.vpcId,
      subnetIds: settings.subnetIds,
      allowedCidrBlocks: settings.allowedCidrBlocks,
      allowedSecurityGroupIds: settings.allowedSecurityGroupIds,
      healthCheckPath: "/healthz",
      hostname: settings.hostname,
      privateZoneId: settings.privateZoneId,
      privateZoneName: settings.privateZoneName,
      certificateArn: settings.certificateArn,
      tags: { Service: name },
    },
    opts,
  );
}
