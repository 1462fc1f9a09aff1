import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Sandbox credentials: not secret, printed at start, used when TWILIO_* are not set. */
export const SANDBOX_ACCOUNT_SID = `AC${'0'.repeat(32)}`;
export const SANDBOX_AUTH_TOKEN = 'sandbox-auth-token-not-a-secret';

export interface LocalSettings {
  port: number;
  publicUrl?: string;
  accountSid: string;
  authToken: string;
  /** Send through a Twilio-compatible API instead of the built-in sandbox carrier. */
  twilioApiUrl?: string;
  dataDir: string;
  scheduler: boolean;
  /** Where short links in texts point (LINK_BASE); default the gateway's own /l route, on its public URL. */
  linkBase?: string;
}

/** The environment contract of the local gateway (DESIGN.md). */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  return {
    port: Number(env.PORT ?? 3000),
    ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
    accountSid: env.TWILIO_ACCOUNT_SID ?? SANDBOX_ACCOUNT_SID,
    authToken: env.TWILIO_AUTH_TOKEN ?? SANDBOX_AUTH_TOKEN,
    ...(env.TWILIO_API_URL ? { twilioApiUrl: env.TWILIO_API_URL } : {}),
    dataDir: resolve(env.DATA_DIR ?? '.data'),
    scheduler: (env.LOCAL_SCHEDULER ?? 'on') !== 'off',
    ...(env.LINK_BASE ? { linkBase: env.LINK_BASE } : {}),
  };
}

/** A child process of a gateway run, recorded so a later run can stop it if this one crashes. */
export interface RecordedChild {
  name: string;
  pid: number;
  /** Its command line when it was started: a process with the same pid and another command line is not ours. */
  argv: string[];
}

/** Written while the gateway runs, so `npm run text`, `npm run catalog` and `npm run dlq` find it. */
export interface RunningGatewayInfo {
  pid: number;
  /** The gateway's own command line, so a reused pid is not taken for a running gateway. */
  argv?: string[];
  url: string;
  publicUrl: string;
  /** Where the texts' short links point (the CLIs measure copy with it). */
  linkBase?: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  tables: Record<string, string>;
  children: RecordedChild[];
}

/** What the file holds from the moment the first child is spawned until the gateway is ready. */
export type RecordedRun = Pick<RunningGatewayInfo, 'pid' | 'children'> & Partial<RunningGatewayInfo>;

const infoFile = (dataDir: string) => resolve(dataDir, 'gateway.json');

export function writeRunningInfo(dataDir: string, info: RecordedRun): void {
  mkdirSync(dataDir, { recursive: true });
  // Written aside and renamed, so a reader never sees half a file.
  writeFileSync(`${infoFile(dataDir)}.tmp`, JSON.stringify(info, null, 2));
  renameSync(`${infoFile(dataDir)}.tmp`, infoFile(dataDir));
}

export function clearRunningInfo(dataDir: string): void {
  rmSync(infoFile(dataDir), { force: true });
}

/** The file as the last run left it, whether that run is alive or not. */
export function readRecordedRun(dataDir: string): RecordedRun | undefined {
  try {
    const info = JSON.parse(readFileSync(infoFile(dataDir), 'utf8')) as RecordedRun;
    return typeof info.pid === 'number' ? { ...info, children: Array.isArray(info.children) ? info.children : [] } : undefined;
  } catch {
    return undefined;
  }
}

/** The running, ready gateway of this DATA_DIR, if there is one. */
export function readRunningInfo(dataDir: string): RunningGatewayInfo | undefined {
  const info = readRecordedRun(dataDir);
  if (!info?.url) return undefined;
  try {
    process.kill(info.pid, 0);
    return info as RunningGatewayInfo;
  } catch {
    return undefined;
  }
}

/**
 * The running local gateway's time (its clock may have been moved with PUT /local/clock), so the
 * CLIs judge "open", "finished" and "due" as the gateway does; the real time when it cannot answer.
 */
export async function gatewayNow(info: Pick<RunningGatewayInfo, 'url'>): Promise<Date> {
  try {
    const response = await fetch(`${info.url}/local/clock`);
    const { now } = (await response.json()) as { now?: string };
    const at = now ? new Date(now) : undefined;
    return at && !Number.isNaN(at.getTime()) ? at : new Date();
  } catch {
    return new Date();
  }
}
