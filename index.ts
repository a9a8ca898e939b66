/**
 * The HipChat proxy program: reads this stack's configuration, builds one PrivateLambdaService
 * (internal ALB → Lambda, private DNS, secret, least-privilege role) and exports its outputs.
 */
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { PrivateLambdaService } from "./components";
import { createPrivateVpc } from "./components/privateVpc";
import { loadStackConfig } from "./config";
import { createStackDelivery, withDeliveryEnvironment } from "./delivery";
import { loadDeliveryConfig } from "./deliveryConfig";
import type { LambdaEnvironment } from "./handler";

/** The settings document's name in the function's package, next to the bundle. */
const SETTINGS_FILE_NAME = "settings.json";

const config = loadStackConfig(new pulumi.Config());

// Validation records for the certificate live in a public zone that may belong to a DNS account.
// This provider reaches it by chaining from the stack's own assumed role(s) to dnsRoleArn, so the
// DNS account's role trusts this account's deploy role; everything else uses the default provider.
const dnsProvider =
  config.dnsRoleArn === undefined
    ? undefined
    : new aws.Provider("dns-account", {
        region: aws.config.region,
        profile: aws.config.profile,
        assumeRoles: [
          ...(aws.config.assumeRoles ?? []),
          { roleArn: config.dnsRoleArn, sessionName: `hipchat-proxy-${pulumi.getStack()}-dns` },
        ],
        allowedAccountIds: [config.dnsRoleArn.split(":")[4]],
      });

// An account without a VPC for the service gets one: private subnets in two zones, DNS on, no NAT.
const network =
  config.vpcId === undefined || config.subnetIds === undefined
    ? createPrivateVpc("hipchat-proxy-vpc", { cidrBlock: config.vpcCidrBlock })
    : { vpcId: config.vpcId, subnetIds: config.subnetIds };

// deliveryMode: queued adds an SQS FIFO queue and a worker Lambda; the service then stores each valid
// message there and answers at once (docs/queued-delivery.md).
const delivery = createStackDelivery("hipchat-proxy-delivery", loadDeliveryConfig(new pulumi.Config()), {
  entry: path.join(__dirname, "handler", "index.ts"),
  slackToken: config.slackToken,
  logRetentionInDays: config.logRetentionInDays,
});

const service = new PrivateLambdaService("hipchat-proxy", {
  // The handler module; the component bundles it (esbuild) and the Lambda calls its callbackFactory().
  entry: path.join(__dirname, "handler", "index.ts"),
  // Stored as one Secrets Manager secret {"slackToken": "…", "hipchatTokens": "<JSON list>"}.
  secrets: {
    slackToken: config.slackToken,
    hipchatTokens: config.hipchatTokens.apply((tokens) => JSON.stringify(tokens)),
  },
  // Rooms and users of a real migration run to thousands of entries, far past Lambda's 4 KB
  // environment: the checked settings travel as a file next to the bundle instead.
  files: { [SETTINGS_FILE_NAME]: JSON.stringify(config.settings) },
  environment: withDeliveryEnvironment(delivery, {
    SETTINGS_FILE: SETTINGS_FILE_NAME,
    // Links the proxy returns (room listings, room details) name this host, never a request's Host.
    PUBLIC_HOSTNAME: config.hostname,
    // The extension layer listens on this port; the handler then reads its secret through it.
    ...(config.secretsExtensionLayerArn ? { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: "2773" } : {}),
  } satisfies LambdaEnvironment),
  layers: config.secretsExtensionLayerArn ? [config.secretsExtensionLayerArn] : undefined,
  memorySize: config.memorySize,
  // The ceiling: a flood beyond it is throttled (the ALB answers 503) instead of scaling without limit.
  reservedConcurrency: config.reservedConcurrency,
  logRetentionInDays: config.logRetentionInDays,
  vpcId: network.vpcId,
  subnetIds: network.subnetIds,
  allowedSecurityGroupIds: config.allowedSecurityGroupIds,
  allowedCidrBlocks: config.allowedCidrBlocks,
  allowPublicCidrs: config.allowPublicCidrs,
  // Repeated query keys (and headers) reach the handler as lists instead of keeping only the last.
  multiValueHeaders: true,
  healthCheckPath: "/healthz",
  hostname: config.hostname,
  privateZoneId: config.privateZoneId,
  privateZoneName: config.privateZoneName,
  extraZoneNames: config.legacyHostnames,
  extraVpcIds: config.extraVpcIds,
  certificateArn: config.certificateArn,
  certificateZoneId: config.publicZoneId,
  certificateZoneName: config.publicZoneName,
  dnsProvider,
  redirectHttpToHttps: config.redirectHttpToHttps,
});

export const url = service.url;
export const hostname = service.hostname;
export const albDnsName = service.albDnsName;
export const securityGroupId = service.securityGroupId;
export const functionName = service.functionName;
export const functionArn = service.functionArn;
export const secretArn = service.secretArn;
export const zoneId = service.zoneId;

// The service may send to its queue and do nothing else with it.
delivery?.component.allowSend("hipchat-proxy", service.role);
/** Queued mode: the queue, its dead-letter queue and the worker. */
export const deliveryQueueUrl = delivery?.component.queueUrl;
export const deliveryDeadLetterQueueUrl = delivery?.component.deadLetterQueueUrl;
export const deliveryWorkerName = delivery?.component.workerName;
/** The VPC the service is in: the configured one, or the one the program created. */
export const vpcId = network.vpcId;
