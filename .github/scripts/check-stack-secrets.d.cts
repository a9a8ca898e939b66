/** Types of check-stack-secrets.cjs, for the tests. */
export interface Problem {
  file?: string;
  message: string;
}
export declare function checkStackSecrets(options?: {
  root?: string;
  stacks?: string[];
  env?: Record<string, string | undefined>;
  /** Where notices go (default console.log). */
  log?: (line: string) => void;
}): Problem[];
export declare function annotation(problem: Problem): string;
export declare function main(argv: string[]): number;
