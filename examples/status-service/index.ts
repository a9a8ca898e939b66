/**
 * The status service program: reads this stack's configuration, builds the service and exports its
 * outputs. Run it from this folder (`pulumi up` here uses this folder's Pulumi.yaml); see
 * components/README.md for the component it is built from.
 */
import * as pulumi from "@pulumi/pulumi";

import { createStatusService, loadSettings } from "./service";

const service = createStatusService("status", loadSettings(new pulumi.Config()));

export const url = service.url;
export const hostname = service.hostname;
export const albDnsName = service.albDnsName;
export const securityGroupId = service.securityGroupId;
export const functionName = service.functionName;
export const functionArn = service.functionArn;
export const zoneId = service.zoneId;
