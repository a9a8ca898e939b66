/** Types of stacks.cjs, for the tests and bootstrap/. */
export interface CiConfig {
  project: string;
  productionStacks: string[];
  productionEnvironment: string;
  requiredSecrets: string[];
  roles: { preview: string; deploy: string; dnsPreview: string; dnsValidation: string };
}

export type SecretState = "secure" | "missing" | "plain" | "invalid";

export interface StackInfo {
  stack: string;
  file: string;
  /** Content problems, one sentence each, naming the file. */
  problems: string[];
  config: Record<string, unknown>;
  account?: string;
  region?: string;
  production: boolean;
  dnsRoleArn?: string;
  dnsAccount?: string;
  hostname?: unknown;
  publicZoneId?: unknown;
  secrets: Record<string, SecretState>;
  encryption: { passphrase: boolean; secretsProvider?: string; encryptedKey: boolean };
  environments: string[];
}

export interface Backend {
  kind: "cloud" | "self-managed";
  url?: string;
  org?: string;
}

export declare const REPO_ROOT: string;
export declare function loadCiConfig(root?: string): CiConfig;
export declare function listStacks(root?: string): string[];
export declare function readStack(stack: string, options?: { root?: string; ci?: CiConfig }): StackInfo;
export declare function roleArn(account: string, name: string, partition?: string): string;
export declare function parseRoleArn(arn: unknown): { partition: string; account: string; name: string } | undefined;
export declare function backendFromEnv(env?: Record<string, string | undefined>): Backend;
export declare function qualifiedStackName(stack: string, backend: Backend): string;
export declare function loginCommand(backend: Backend): string;
