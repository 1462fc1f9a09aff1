import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EVENT_BUS_ENV, queues, tables } from '../lib/topology';
import { REPO_ROOT } from './bundle';

const run = promisify(execFile);

/**
 * Runs inside the fresh process: only require() of the bundle is timed, not Node's own start-up,
 * which every function (and the baseline) pays alike.
 */
const CHILD_SCRIPT = `
const file = process.argv[1];
const start = process.hrtime.bigint();
require(file);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ ms }));
`;

/**
 * Dummy wiring so nothing that reads the environment at import time throws (most code reads it
 * lazily through requiredEnv). Nothing is called, so the values never reach a network.
 */
function dummyEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    // Lambda finds the runtime-provided @aws-sdk/* through NODE_PATH; here they come from the repo.
    NODE_PATH: join(REPO_ROOT, 'node_modules'),
    // No NODE_OPTIONS, as in Lambda: the bundle's source map is read on its first stack trace, not here.
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    [EVENT_BUS_ENV]: 'bench-bus',
    TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
    TWILIO_AUTH_TOKEN: 'bench',
    PUBLIC_URL: 'https://bench.invalid',
  };
  for (const spec of Object.values(tables)) env[spec.env] = 'bench-table';
  for (const spec of Object.values(queues)) env[spec.env] = 'https://sqs.us-east-1.amazonaws.com/000000000000/bench';
  return env;
}

async function timeOneRequire(file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const { stdout } = await run(process.execPath, ['-e', CHILD_SCRIPT, file], { env, timeout: 30_000 });
  return (JSON.parse(stdout) as { ms: number }).ms;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Median require() time of `file` over `runs` fresh processes. Sequential on purpose: on two cores,
 * parallel children would time each other's CPU contention, not the bundle.
 */
export async function initTimes(file: string, runs: number): Promise<{ median: number; min: number; max: number }> {
  const env = dummyEnvironment();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeOneRequire(file, env));
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}
