/** Types of ci-matrix.cjs, for the tests. */
interface Entry {
  stack: string;
  /** What `pulumi --stack` takes on the configured backend. */
  stackName: string;
  account: string;
  region: string;
}
export interface PreviewEntry extends Entry {
  previewRole: string;
  /** The DNS account's read-only role, or "" when the stack validates no certificate there. */
  dnsPreviewRole: string;
  /** pulumi/actions `config-map` (JSON), or "". */
  configMap: string;
}
export interface DeployEntry extends Entry {
  deployRole: string;
}
export interface Matrices {
  problems: string[];
  preview: PreviewEntry[];
  deploy: DeployEntry[];
  production: DeployEntry[];
}
export declare function buildMatrices(options?: { root?: string; env?: Record<string, string | undefined> }): Matrices;
export declare function summary(matrices: Matrices): string;
export declare function main(): number;
