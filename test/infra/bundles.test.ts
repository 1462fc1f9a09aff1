/**
 * The function bundles as the stack deploys them (the assets synth built with esbuild): what each
 * loads at a cold start, how big it is, and what its stack traces say. Expectations come from
 * lib/topology.ts and bench/budgets.ts, so a new function or a new SDK client is checked too.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { bundleBudgets } from '../../bench/budgets';
import { functionEntries, type FunctionName, type FunctionSpec } from '../../lib/topology';
import { SYNTH_TIMEOUT, idOf, synthGateway, type Synthesized } from './gateway-fixture';

jest.setTimeout(SYNTH_TIMEOUT);

const repoRoot = path.resolve(__dirname, '..', '..');

let gateway: Synthesized;
beforeAll(() => {
  gateway = synthGateway();
}, SYNTH_TIMEOUT);

/** The directory synth staged a function's code in: index.js and index.js.map. */
function assetDir(name: FunctionName): string {
  const fn = gateway.serviceTemplate.findResources('AWS::Lambda::Function')[idOf(gateway.service.functions[name].fn)];
  const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
  return path.join(gateway.app.outdir, `asset.${hash}`);
}

/** Every @aws-sdk package a module in the SDK's family serves, by the AWS service it talks to. */
const SDK_SERVICE: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'DynamoDB',
  '@aws-sdk/lib-dynamodb': 'DynamoDB',
  '@aws-sdk/util-dynamodb': 'DynamoDB',
  '@aws-sdk/client-sqs': 'SQS',
  '@aws-sdk/client-eventbridge': 'EventBridge',
  '@aws-sdk/client-secrets-manager': 'Secrets Manager',
};

/** The services a function's spec says it talks to: tables, queues (its trigger's included), the bus, the Twilio secret. */
function servicesOf(spec: FunctionSpec): string[] {
  return [
    ...(spec.tables.length ? ['DynamoDB'] : []),
    ...(spec.sendsTo.length || spec.trigger.kind === 'queue' || spec.peeks ? ['SQS'] : []),
    ...(spec.publishesEvents ? ['EventBridge'] : []),
    ...(spec.twilio ? ['Secrets Manager'] : []),
  ].sort();
}

describe('function bundles as deployed', () => {
  it.each(functionEntries())('%s loads the SDK clients of the services it uses and no other (each one costs cold-start time)', (name, spec) => {
    // Prepare
    const code = readFileSync(path.join(assetDir(name), 'index.js'), 'utf8');
    // Act
    const required = [...new Set([...code.matchAll(/require\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]!))];
    // Assess
    expect(required.filter((pkg) => !SDK_SERVICE[pkg])).toEqual([]);
    expect([...new Set(required.map((pkg) => SDK_SERVICE[pkg]!))].sort()).toEqual(servicesOf(spec));
  });

  it.each(functionEntries())('%s stays within its size budget, its source map beside it', (name) => {
    // Act
    const bytes = statSync(path.join(assetDir(name), 'index.js')).size;
    // Assess
    expect(bytes).toBeLessThanOrEqual(bundleBudgets[name]);
    expect(existsSync(path.join(assetDir(name), 'index.js.map'))).toBe(true);
  });

  it.each(functionEntries().filter(([, spec]) => spec.servesConsole))('%s carries the console beside its bundle and serves it from there', async (name) => {
    // Prepare
    const shipped = (file: string) => path.join(assetDir(name), 'console', file);
    const child = `
      const { handler } = require(process.argv[1]);
      Promise.all([{}, { file: 'app.js' }, { file: 'chart.umd.js' }].map((pathParameters) => handler({ pathParameters })))
        .then((answers) => console.log('RESULT ' + JSON.stringify(answers.map((a) => [a.statusCode, a.body.length]))));`;
    // Act
    const files = readdirSync(path.join(repoRoot, 'console'));
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', child, path.join(assetDir(name), 'index.js')], { env: { PATH: process.env.PATH }, cwd: '/', timeout: 30_000 });
    // Assess
    const served = JSON.parse(stdout.split('\n').find((line) => line.startsWith('RESULT '))!.slice('RESULT '.length));
    expect(served).toEqual([
      [200, readFileSync(shipped('index.html'), 'utf8').length],
      [200, readFileSync(shipped('app.js'), 'utf8').length],
      [200, readFileSync(shipped('chart.umd.js'), 'utf8').length],
    ]);
    for (const file of files) expect(readFileSync(shipped(file), 'utf8')).toBe(readFileSync(path.join(repoRoot, 'console', file), 'utf8'));
    expect(files).toEqual(expect.arrayContaining(['index.html', 'app.js', 'style.css']));
    expect(statSync(shipped('chart.umd.js')).size).toBe(statSync(path.join(repoRoot, 'node_modules/chart.js/dist/chart.umd.js')).size);
  });

  it("names the TypeScript file and line of a deployed function's error, reading the source map only then", async () => {
    // Prepare: receive-sms without any Twilio auth token fails on its first webhook.
    const source = readFileSync(path.join(repoRoot, 'functions/adapters/twilio-credentials.ts'), 'utf8').split('\n');
    const throwLine = source.findIndex((line) => line.includes("throw new Error('No Twilio auth token")) + 1;
    const child = `
      const fs = require('node:fs');
      const read = fs.readFileSync;
      let mapReads = 0;
      fs.readFileSync = function (file, ...rest) { if (String(file).endsWith('.map')) mapReads++; return read.call(this, file, ...rest); };
      const { handler } = require(process.argv[1]);
      const atLoad = mapReads;
      const event = { body: 'Body=HELP', headers: {}, isBase64Encoded: false, rawPath: '/sms', rawQueryString: '', requestContext: { domainName: 'example.com' } };
      const context = { functionName: 'receive-sms', awsRequestId: 'test', getRemainingTimeInMillis: () => 10000 };
      handler(event, context).then(
        () => console.log('RESULT ' + JSON.stringify({ atLoad })),
        (error) => { const beforeStack = mapReads; const stack = error.stack; console.log('RESULT ' + JSON.stringify({ atLoad, beforeStack, stack, afterStack: mapReads })); },
      );`;
    const env = { PATH: process.env.PATH, NODE_PATH: path.join(repoRoot, 'node_modules'), AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT', INBOUND_QUEUE_URL: 'https://sqs.invalid/q' };
    // Act
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', child, path.join(assetDir('receiveSms'), 'index.js')], { env, timeout: 30_000 });
    const result = JSON.parse(stdout.split('\n').find((line) => line.startsWith('RESULT '))!.slice('RESULT '.length));
    // Assess
    expect(result).toMatchObject({ atLoad: 0, beforeStack: 0, afterStack: 1 });
    const frames = (result.stack as string).split('\n');
    expect(frames[0]).toBe('Error: No Twilio auth token: set TWILIO_AUTH_TOKEN_SECRET_ARN (AWS) or TWILIO_AUTH_TOKEN (local)');
    // The path as the map names it: from the repository root when synth's output is inside it, as in a deploy.
    expect(frames[1]).toMatch(new RegExp(`^    at twilioSettings \\((?:[^()]*/)?functions/adapters/twilio-credentials\\.ts:${throwLine}:\\d+\\)$`));
  });
});
