/** Types of smoke-test.cjs, for the tests. */
import type { ALBEvent, ALBResult } from "aws-lambda";

export declare function healthEvent(): ALBEvent;
export declare function authTestEvent(options: { token: string; room: string; host?: string }): ALBEvent;
export declare function chooseToken(hipchatTokensJson: string): { token: string; room: string };
export declare function checkHealth(result: unknown): string[];
export declare function checkAuthTest(result: unknown): string[];
export declare function invoke(options: {
  functionName: string;
  region: string;
  event: ALBEvent;
  aws?: string;
}): ALBResult;
export declare function probe(options: {
  name: string;
  event: ALBEvent;
  check: (result: unknown) => string[];
  invokeFn: (event: ALBEvent) => unknown;
  maxWait: number;
  interval: number;
  retryStatuses?: number[];
  log?: (line: string) => void;
}): Promise<string[]>;
export declare function main(argv: string[]): Promise<number>;
