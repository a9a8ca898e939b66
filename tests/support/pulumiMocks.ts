/**
 * Pulumi mocks for unit tests (`pulumi.runtime.setMocks`), after awsx's `ecr/repository.test.ts`:
 * every resource the program asks for is recorded, every output our code reads is returned, and any
 * provider function we were not told about throws.
 *
 * Pulumi keeps its runtime state on jest's per-file global, so call {@link installPulumiMocks} once
 * per test file, before importing or constructing anything that creates resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

/** The special property that marks a secret in deserialized inputs (`runtime/rpc.ts`). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** One resource registration as the mock monitor saw it. */
export interface RecordedResource {
  type: string;
  name: string;
  /** Inputs as the provider would receive them; secrets stay wrapped (see {@link isSecretValue}). */
  inputs: Record<string, any>;
  custom: boolean;
  /** Provider reference (`urn::id`), empty for the default provider. */
  provider: string;
  urn: string;
  /** URN of the parent ("" for none). */
  parent: string;
  /** URNs this resource waits for (explicit `dependsOn` and resources its inputs came from). */
  dependencies: string[];
  /** For each input property, the URNs its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** The resource options the engine would see (mocks never apply them). */
  options: RecordedOptions;
}

/** Resource options, as sent in the registration request. */
export interface RecordedOptions {
  /** Names of `aliases` given by name (`{ name }` specs), and URNs of those given as URNs. */
  aliases: string[];
  /** `customTimeouts`, as strings like "30m"; empty strings for unset ones. */
  customTimeouts?: { create: string; update: string; delete: string };
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
}

/** A VPC as `aws:ec2/getVpc:getVpc` answers it. */
export interface MockVpc {
  /** The primary IPv4 block. */
  cidrBlock: string;
  /** Further IPv4 blocks. Default: none. */
  secondaryCidrBlocks?: string[];
  /** The IPv6 block, if any. */
  ipv6CidrBlock?: string;
  /** Default: true. */
  enableDnsSupport?: boolean;
  /** Default: true. */
  enableDnsHostnames?: boolean;
}

/** A subnet as `aws:ec2/getSubnet:getSubnet` answers it. */
export interface MockSubnet {
  vpcId: string;
  availabilityZone: string;
}

/** A hosted zone as `aws:route53/getZone:getZone` answers it. */
export interface MockZone {
  /** The zone's domain, without a trailing dot. */
  name: string;
  privateZone: boolean;
}

/**
 * Subnets of one VPC for the mocks, spread over Availability Zones `a`, `b`, `c`… of `region` in
 * order (so two subnets are in two zones), or all in `zone` when given.
 */
export function subnetsIn(
  vpcId: string,
  ids: readonly string[],
  region: string,
  zone?: string,
): Record<string, MockSubnet> {
  return Object.fromEntries(
    ids.map((id, i) => [id, { vpcId, availabilityZone: zone ?? `${region}${"abcdef"[i % 6]}` }]),
  );
}

export interface PulumiMockOptions {
  /** Project name; config keys must use it as their namespace. Default "project". */
  project?: string;
  stack?: string;
  /** Run as `pulumi preview` (isDryRun). Default false. */
  preview?: boolean;
  /** Region and account that ARNs are built from. */
  region?: string;
  accountId?: string;
  /**
   * VPC ID → primary CIDR block, answered to `aws:ec2/getVpc:getVpc` (DNS support and hostnames
   * on). Shorthand for {@link vpcs}; any VPC in neither throws.
   */
  vpcCidrs?: Record<string, string>;
  /** VPC ID → what `aws:ec2/getVpc:getVpc` answers. */
  vpcs?: Record<string, MockVpc>;
  /**
   * Subnet ID → what `aws:ec2/getSubnet:getSubnet` answers. A subnet not listed is answered from
   * the program's config when `<project>:subnetIds` names it (in `<project>:vpcId`, in zone `a`, `b`…
   * of the region in list order: the account as the stack file describes it); any other throws.
   */
  subnets?: Record<string, MockSubnet>;
  /**
   * Hosted zone ID → what `aws:route53/getZone:getZone` answers. A zone not listed is answered from
   * the program's config when it is `<project>:publicZoneId` (a public zone named
   * `<project>:publicZoneName`, default example.com); any other throws.
   */
  zones?: Record<string, MockZone>;
}

/** A config value of the program under test, parsed when it is JSON. */
function configValue(project: string, key: string): unknown {
  const raw = pulumi.runtime.allConfig()[`${project}:${key}`];
  if (raw === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export interface PulumiMockHarness {
  /** Every registered resource, in registration order. */
  resources: RecordedResource[];
  /** Every provider function call, in order. */
  calls: pulumi.runtime.MockCallArgs[];
  /** The resource of this type and name; throws if there is none. */
  find(type: string, name: string): RecordedResource;
  /** All resources of this type. */
  ofType(type: string): RecordedResource[];
  /** All resources whose parent is the resource with this URN. */
  childrenOf(urn: string): RecordedResource[];
}

/** True for a deserialized input value that Pulumi marked secret (it will be encrypted in state). */
export function isSecretValue(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Removes secret markers, for comparing values. */
export function plain(value: unknown): any {
  if (isSecretValue(value)) {
    return plain(value.value);
  }
  if (Array.isArray(value)) {
    return value.map(plain);
  }
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/**
 * Finds every string in `value` that contains one of `needles` and is **not** inside a secret
 * marker, i.e. would sit in the state file in plain text.
 *
 * @returns Paths like `environment.variables.X` of the offending strings.
 */
export function plaintextOccurrences(value: unknown, needles: readonly string[], path = ""): string[] {
  if (isSecretValue(value)) {
    return [];
  }
  if (typeof value === "string") {
    return needles.some((n) => value.includes(n)) ? [path || "(root)"] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => plaintextOccurrences(v, needles, `${path}[${i}]`));
  }
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).flatMap(([k, v]) => plaintextOccurrences(v, needles, path ? `${path}.${k}` : k));
  }
  return [];
}

/**
 * Resolves an output in a test. Rejects when the output fails, when its value is unknown (what a
 * preview gets for an output the mocks did not return; `apply` would then never run and the test
 * would hang), and after `timeoutMs` when it never settles.
 *
 * Reads the output through `promise()` and `isKnown`, which are @internal in @pulumi/pulumi:
 * `apply` would leave a derived output whose rejection nobody handles, and that kills the worker.
 */
export function unwrap<T>(input: pulumi.Input<T> | pulumi.Output<T>, timeoutMs = 15_000): Promise<T> {
  const out = pulumi.output(input as pulumi.Input<T>) as unknown as {
    promise(): Promise<T>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
  };
  // A failed output's isSecret rejects too; observe it so it is not an unhandled rejection.
  out.isSecret.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Output did not settle within ${timeoutMs} ms`)), timeoutMs);
    Promise.all([out.promise(), out.isKnown]).then(
      ([value, known]) => {
        clearTimeout(timer);
        if (known) {
          resolve(value);
        } else {
          reject(new Error("Output is unknown (in preview, a value the mocks did not return)"));
        }
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * Waits until every resource registration in flight has finished, so assertions see the whole graph
 * and nothing is still running when jest tears the file's environment down (pulumi#11113).
 * `waitForRPCs` is @internal in @pulumi/pulumi; it is what the language host itself awaits.
 */
export async function settled(): Promise<void> {
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/** A short, stable hex string derived from `text`. */
function hex(text: string, length = 17): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * The state a real create would return: the inputs plus every output our code reads, so nothing is
 * left unknown in preview.
 */
function mockState(
  args: pulumi.runtime.MockResourceArgs,
  region: string,
  account: string,
  network: { vpcs: Record<string, MockVpc>; subnets: Record<string, MockSubnet> },
): { id: string; state: Record<string, any> } {
  const { type, name, inputs } = args;
  const h = hex(`${type}::${name}`);
  const state: Record<string, any> = { ...inputs };
  switch (type) {
    case "aws:lb/loadBalancer:LoadBalancer": {
      const arn = `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/${name}/${h}`;
      Object.assign(state, {
        arn,
        arnSuffix: arn.split(":loadbalancer/")[1],
        dnsName: `internal-${name}-${parseInt(h.slice(0, 8), 16)}.${region}.elb.amazonaws.com`,
        zoneId: "Z35SXDOTRQ7X7K",
      });
      return { id: arn, state };
    }
    case "aws:lb/targetGroup:TargetGroup": {
      const arn = `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/${name}/${h}`;
      Object.assign(state, { arn, arnSuffix: arn.split(":")[5], name: inputs.name ?? name });
      return { id: arn, state };
    }
    case "aws:lb/listener:Listener": {
      const arn = `arn:aws:elasticloadbalancing:${region}:${account}:listener/app/${name}/${h}`;
      return { id: arn, state: { ...state, arn } };
    }
    case "aws:lambda/function:Function": {
      const fnName = inputs.name ?? `${name}-${h.slice(0, 7)}`;
      const arn = `arn:aws:lambda:${region}:${account}:function:${fnName}`;
      Object.assign(state, {
        name: fnName,
        arn,
        qualifiedArn: `${arn}:$LATEST`,
        invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
        version: "$LATEST",
      });
      return { id: fnName, state };
    }
    case "aws:secretsmanager/secret:Secret": {
      const secretName = inputs.name ?? `${name}-${h.slice(0, 7)}`;
      const arn = `arn:aws:secretsmanager:${region}:${account}:secret:${secretName}-AbCdEf`;
      return { id: arn, state: { ...state, name: secretName, arn } };
    }
    case "aws:secretsmanager/secretVersion:SecretVersion":
      return { id: `${plain(inputs.secretId)}|v1`, state: { ...state, arn: plain(inputs.secretId), versionId: "v1" } };
    case "aws:cloudwatch/logGroup:LogGroup": {
      const groupName = inputs.name ?? `${inputs.namePrefix ?? `${name}-`}${h.slice(0, 12)}`;
      return {
        id: groupName,
        state: { ...state, name: groupName, arn: `arn:aws:logs:${region}:${account}:log-group:${groupName}` },
      };
    }
    case "aws:iam/role:Role": {
      const roleName = inputs.name ?? `${name}-${h.slice(0, 7)}`;
      return {
        id: roleName,
        state: {
          ...state,
          name: roleName,
          arn: `arn:aws:iam::${account}:role/${roleName}`,
          uniqueId: `AROA${h.toUpperCase()}`,
        },
      };
    }
    case "aws:ec2/securityGroup:SecurityGroup": {
      const id = `sg-${h}`;
      return { id, state: { ...state, arn: `arn:aws:ec2:${region}:${account}:security-group/${id}` } };
    }
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
      const id = `sgr-${h}`;
      return {
        id,
        state: { ...state, arn: `arn:aws:ec2:${region}:${account}:security-group-rule/${id}`, securityGroupRuleId: id },
      };
    }
    case "aws:route53/zone:Zone": {
      const zoneId = `Z${h.toUpperCase()}`;
      return {
        id: zoneId,
        state: { ...state, zoneId, arn: `arn:aws:route53:::hostedzone/${zoneId}`, nameServers: [] },
      };
    }
    case "aws:route53/record:Record":
      return {
        id: `${plain(inputs.zoneId)}_${plain(inputs.name)}_${plain(inputs.type)}`,
        state: { ...state, fqdn: plain(inputs.name) },
      };
    case "aws:acm/certificate:Certificate": {
      const arn = `arn:aws:acm:${region}:${account}:certificate/${h}`;
      const domains: string[] = [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])];
      Object.assign(state, {
        arn,
        status: "PENDING_VALIDATION",
        domainValidationOptions: domains.map((d) => ({
          domainName: d,
          resourceRecordName: `_${hex(d, 32)}.${d}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_${hex(`v${d}`, 32)}.abcdefghij.acm-validations.aws.`,
        })),
      });
      return { id: arn, state };
    }
    case "aws:acm/certificateValidation:CertificateValidation":
      return { id: `${plain(inputs.certificateArn)}-validation`, state };
    case "awsx:ec2:Vpc": {
      // A remote component: under mocks nothing inside it is created; its outputs come from here,
      // and the VPC and subnets it would create are answered by getVpc/getSubnet like existing ones.
      const vpcId = `vpc-${h}`;
      const zones: string[] =
        inputs.availabilityZoneNames ??
        Array.from({ length: inputs.numberOfAvailabilityZones ?? 3 }, (_, i) => `${region}${"abcdef"[i]}`);
      const specs: { type: string }[] = inputs.subnetSpecs ?? [{ type: "Private" }, { type: "Public" }];
      const idsOf = (type: string) =>
        specs.some((spec) => spec.type === type) ? zones.map((_, i) => `subnet-${hex(`${h}${type}${i}`)}`) : [];
      const [privateSubnetIds, publicSubnetIds, isolatedSubnetIds] = ["Private", "Public", "Isolated"].map(idsOf);
      network.vpcs[vpcId] = {
        cidrBlock: inputs.cidrBlock ?? "10.0.0.0/16",
        enableDnsSupport: inputs.enableDnsSupport ?? true,
        enableDnsHostnames: inputs.enableDnsHostnames ?? false,
      };
      for (const ids of [privateSubnetIds, publicSubnetIds, isolatedSubnetIds]) {
        Object.assign(network.subnets, subnetsIn(vpcId, ids, region));
      }
      return {
        id: "",
        state: { ...state, vpcId, privateSubnetIds, publicSubnetIds, isolatedSubnetIds, natGateways: [] },
      };
    }
    case "aws:lb/listenerRule:ListenerRule": {
      const arn = `arn:aws:elasticloadbalancing:${region}:${account}:listener-rule/app/${name}/${h}`;
      return { id: arn, state: { ...state, arn } };
    }
    case "aws:route53/zoneAssociation:ZoneAssociation":
      return { id: `${plain(inputs.zoneId)}:${plain(inputs.vpcId)}`, state: { ...state, owningAccount: account } };
    case "aws:lambda/permission:Permission":
      return {
        id: `${name}-${h.slice(0, 8)}`,
        state: { ...state, statementId: inputs.statementId ?? `${name}-${h.slice(0, 8)}` },
      };
    case "aws:sqs/queue:Queue": {
      // Pulumi names a FIFO queue `<name>-<7 characters>.fifo`.
      const queueName = inputs.name ?? `${name}-${h.slice(0, 7)}${inputs.fifoQueue ? ".fifo" : ""}`;
      const url = `https://sqs.${region}.amazonaws.com/${account}/${queueName}`;
      return {
        id: url,
        state: { ...state, name: queueName, url, arn: `arn:aws:sqs:${region}:${account}:${queueName}` },
      };
    }
    case "aws:dynamodb/table:Table": {
      const tableName = inputs.name ?? `${name}-${h.slice(0, 7)}`;
      return {
        id: tableName,
        state: { ...state, name: tableName, arn: `arn:aws:dynamodb:${region}:${account}:table/${tableName}` },
      };
    }
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      return {
        id: `esm-${h.slice(0, 12)}`,
        state: {
          ...state,
          uuid: `esm-${h.slice(0, 12)}`,
          arn: `arn:aws:lambda:${region}:${account}:event-source-mapping:esm-${h.slice(0, 12)}`,
        },
      };
    case "aws:cloudwatch/metricAlarm:MetricAlarm": {
      const alarmName = inputs.name ?? `${name}-${h.slice(0, 7)}`;
      return {
        id: alarmName,
        state: { ...state, name: alarmName, arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}` },
      };
    }
    default:
      return { id: `${name}-id`, state: { ...state, arn: state.arn ?? `arn:aws:mock:${region}:${account}:${name}` } };
  }
}

/**
 * Sets Pulumi's mocks for this test file and records every registration.
 *
 * The mock monitor hands `newResource` only type, name and inputs; parent and dependencies are read
 * from the registration request itself by wrapping the monitor's `registerResource`.
 */
export async function installPulumiMocks(options: PulumiMockOptions = {}): Promise<PulumiMockHarness> {
  const region = options.region ?? "eu-west-1";
  const account = options.accountId ?? "111111111111";
  const project = options.project ?? "project";
  const resources: RecordedResource[] = [];
  const byKey = new Map<string, RecordedResource>();
  const calls: pulumi.runtime.MockCallArgs[] = [];
  const key = (type: string, name: string) => `${type}::${name}`;
  const network = {
    vpcs: {
      ...Object.fromEntries(Object.entries(options.vpcCidrs ?? {}).map(([id, cidrBlock]) => [id, { cidrBlock }])),
      ...options.vpcs,
    } as Record<string, MockVpc>,
    subnets: { ...options.subnets } as Record<string, MockSubnet>,
  };

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const record = byKey.get(key(args.type, args.name));
        if (record) {
          record.inputs = args.inputs;
          record.custom = args.custom ?? record.custom;
          record.provider = args.provider ?? "";
        }
        return mockState(args, region, account, network);
      },
      call(args) {
        calls.push(args);
        if (args.token === "aws:ec2/getVpc:getVpc") {
          const vpc = network.vpcs[args.inputs.id];
          if (vpc === undefined) {
            throw new Error(`Mock getVpc: unknown VPC ${JSON.stringify(args.inputs.id)}`);
          }
          return {
            id: args.inputs.id,
            cidrBlock: vpc.cidrBlock,
            cidrBlockAssociations: [vpc.cidrBlock, ...(vpc.secondaryCidrBlocks ?? [])].map((cidrBlock, i) => ({
              associationId: `vpc-cidr-assoc-${i}`,
              cidrBlock,
              state: "associated",
            })),
            ipv6CidrBlock: vpc.ipv6CidrBlock ?? "",
            enableDnsSupport: vpc.enableDnsSupport ?? true,
            enableDnsHostnames: vpc.enableDnsHostnames ?? true,
            arn: `arn:aws:ec2:${region}:${account}:vpc/${args.inputs.id}`,
            ownerId: account,
            region,
          };
        }
        if (args.token === "aws:ec2/getSubnet:getSubnet") {
          const configured = configValue(project, "subnetIds");
          const index = Array.isArray(configured) ? configured.indexOf(args.inputs.id) : -1;
          const subnet =
            network.subnets[args.inputs.id] ??
            (index >= 0
              ? { vpcId: String(configValue(project, "vpcId")), availabilityZone: `${region}${"abcdef"[index % 6]}` }
              : undefined);
          if (subnet === undefined) {
            throw new Error(`Mock getSubnet: unknown subnet ${JSON.stringify(args.inputs.id)}`);
          }
          return {
            id: args.inputs.id,
            vpcId: subnet.vpcId,
            availabilityZone: subnet.availabilityZone,
            arn: `arn:aws:ec2:${region}:${account}:subnet/${args.inputs.id}`,
            ownerId: account,
            region,
          };
        }
        if (args.token === "aws:route53/getZone:getZone") {
          const zone =
            options.zones?.[args.inputs.zoneId] ??
            (args.inputs.zoneId === configValue(project, "publicZoneId")
              ? { name: String(configValue(project, "publicZoneName") ?? "example.com"), privateZone: false }
              : undefined);
          if (zone === undefined) {
            throw new Error(`Mock getZone: unknown zone ${JSON.stringify(args.inputs.zoneId)}`);
          }
          return {
            id: args.inputs.zoneId,
            zoneId: args.inputs.zoneId,
            name: zone.name,
            privateZone: zone.privateZone,
            arn: `arn:aws:route53:::hostedzone/${args.inputs.zoneId}`,
            nameServers: [],
          };
        }
        throw new Error(`Mock call not implemented: ${args.token}`);
      },
    },
    options.project ?? "project",
    options.stack ?? "stack",
    options.preview ?? false,
  );

  type Req = {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
    getAliasesList(): { getUrn(): string; getSpec(): { getName(): string } | undefined }[];
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
  };
  type Callback = (err: unknown, resp?: { getUrn(): string }) => void;
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: Req, cb: Callback): void };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: Req, cb: Callback) => {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((v, k) => {
      propertyDependencies[k] = v.getUrnsList();
    });
    const record: RecordedResource = {
      type: req.getType(),
      name: req.getName(),
      inputs: {},
      custom: req.getCustom(),
      provider: "",
      urn: "",
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      propertyDependencies,
      options: {
        aliases: req.getAliasesList().map((a) => a.getSpec()?.getName() || a.getUrn()),
        customTimeouts: (() => {
          const t = req.getCustomtimeouts();
          return t === undefined ? undefined : { create: t.getCreate(), update: t.getUpdate(), delete: t.getDelete() };
        })(),
        retainOnDelete: req.getRetainondelete() ?? false,
        deleteBeforeReplace: req.getDeletebeforereplace(),
        ignoreChanges: req.getIgnorechangesList(),
      },
    };
    resources.push(record);
    byKey.set(key(record.type, record.name), record);
    original(req, (err, resp) => {
      if (resp) {
        record.urn = resp.getUrn();
      }
      cb(err, resp);
    });
  };

  return {
    resources,
    calls,
    find(type, name) {
      const found = byKey.get(key(type, name));
      if (!found) {
        const names = resources.filter((r) => r.type === type).map((r) => r.name);
        throw new Error(`No ${type} named ${name}; there are: ${names.join(", ") || "none"}`);
      }
      return found;
    },
    ofType: (type) => resources.filter((r) => r.type === type),
    childrenOf: (urn) => resources.filter((r) => r.parent === urn),
  };
}

/** The type tokens the component creates, for finding resources in a mock run. */
export const TYPES = {
  component: "private-lambda-service:index:PrivateLambdaService",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  tg: "aws:lb/targetGroup:TargetGroup",
  listener: "aws:lb/listener:Listener",
  attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  permission: "aws:lambda/permission:Permission",
  fn: "aws:lambda/function:Function",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  zone: "aws:route53/zone:Zone",
  record: "aws:route53/record:Record",
  cert: "aws:acm/certificate:Certificate",
  certValidation: "aws:acm/certificateValidation:CertificateValidation",
  listenerRule: "aws:lb/listenerRule:ListenerRule",
  zoneAssociation: "aws:route53/zoneAssociation:ZoneAssociation",
  awsxVpc: "awsx:ec2:Vpc",
} as const;
