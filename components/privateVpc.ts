/**
 * A VPC for an account that has none: what a PrivateLambdaService needs and nothing more. Private
 * subnets in two Availability Zones (an ALB needs two), DNS support and DNS hostnames on (a private
 * hosted zone resolves only then), no NAT gateway and no public subnet: the ALB is internal and the
 * Lambda function runs outside the VPC, so nothing in it needs the internet (and nothing costs
 * money until something is put in it).
 *
 * Built with `@pulumi/awsx`'s `ec2.Vpc`, a remote component: `pulumi preview` runs its provider
 * plugin (`pulumi-resource-awsx`), and under unit-test mocks it is one opaque resource whose
 * outputs (`vpcId`, `privateSubnetIds`) come from the mocks.
 */
import * as awsx from "@pulumi/awsx";
import type * as pulumi from "@pulumi/pulumi";

import { cidrWithin, PRIVATE_CIDR_BLOCKS, parseCidr } from "../policy/awsConstraints";

/** The VPC's block unless the caller gives one. */
export const DEFAULT_VPC_CIDR_BLOCK = "10.0.0.0/16";

/**
 * Availability Zones the subnets are spread over. Two: what an ALB needs, and what every region
 * offers every account (some accounts see only two zones in a region, such as us-west-1).
 */
export const PRIVATE_VPC_AVAILABILITY_ZONES = 2;

/** The arguments of {@link createPrivateVpc}. */
export interface PrivateVpcArgs {
  /** The VPC's IPv4 block: private (RFC 1918), /16 to /24. Default: {@link DEFAULT_VPC_CIDR_BLOCK}. */
  readonly cidrBlock?: string;
  /** Tags for the VPC and everything in it. Default: none. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A created VPC: the component and what a PrivateLambdaService needs from it. */
export interface PrivateVpc {
  readonly vpc: awsx.ec2.Vpc;
  readonly vpcId: pulumi.Output<string>;
  /** The private subnets, one per Availability Zone. */
  readonly subnetIds: pulumi.Output<string[]>;
}

/**
 * Checks a VPC block: a private IPv4 block from /16 (AWS's largest VPC) to /24 (room for a subnet
 * per zone).
 *
 * @throws Error naming the block.
 */
export function checkVpcCidrBlock(cidrBlock: string): void {
  const block = parseCidr(cidrBlock);
  const privateBlock =
    block !== undefined &&
    PRIVATE_CIDR_BLOCKS.slice(0, 3).some((range) => cidrWithin(block, parseCidr(range) as NonNullable<typeof block>));
  if (block === undefined || block.family !== "ipv4" || block.prefix < 16 || block.prefix > 24 || block.hostBitsSet) {
    throw new Error(
      `VPC CIDR block "${cidrBlock}" must be an IPv4 network address from /16 to /24 (e.g. "10.0.0.0/16").`,
    );
  }
  if (!privateBlock) {
    throw new Error(
      `VPC CIDR block "${cidrBlock}" must be private: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.`,
    );
  }
}

/** The inputs {@link createPrivateVpc} gives `awsx.ec2.Vpc`, for review and tests. */
export function privateVpcArgs(args: PrivateVpcArgs = {}): awsx.ec2.VpcArgs {
  const cidrBlock = args.cidrBlock ?? DEFAULT_VPC_CIDR_BLOCK;
  checkVpcCidrBlock(cidrBlock);
  return {
    cidrBlock,
    numberOfAvailabilityZones: PRIVATE_VPC_AVAILABILITY_ZONES,
    // Lay subnets out in spec order with no legacy gaps (awsx's recommended strategy).
    subnetStrategy: awsx.types.enums.ec2.SubnetAllocationStrategy.Auto,
    subnetSpecs: [{ type: awsx.types.enums.ec2.SubnetType.Private, name: "private" }],
    natGateways: { strategy: awsx.types.enums.ec2.NatGatewayStrategy.None },
    enableDnsSupport: true,
    enableDnsHostnames: true,
    tags: args.tags === undefined ? undefined : { ...args.tags },
  };
}

/** Creates the VPC (see the module's comment). */
export function createPrivateVpc(
  name: string,
  args: PrivateVpcArgs = {},
  opts?: pulumi.ComponentResourceOptions,
): PrivateVpc {
  const vpc = new awsx.ec2.Vpc(name, privateVpcArgs(args), opts);
  return { vpc, vpcId: vpc.vpcId, subnetIds: vpc.privateSubnetIds };
}
