import { readFileSync, writeFileSync, rmSync } from 'node:fs';
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
  };
}

/** Written while the gateway runs, so `npm run text` and `npm run catalog` find it. */
export interface RunningGatewayInfo {
  pid: number;
  url: string;
  publicUrl: string;
  dynamodbEndpoint: string;
  tables: Record<string, string>;
}

const infoFile = (dataDir: string) => resolve(dataDir, 'gateway.json');

export function writeRunningInfo(dataDir: string, info: RunningGatewayInfo): void {
  writeFileSync(infoFile(dataDir), JSON.stringify(info, null, 2));
}

export function clearRunningInfo(dataDir: string): void {
  rmSync(infoFile(dataDir), { force: true });
}

export function readRunningInfo(dataDir: string): RunningGatewayInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(infoFile(dataDir), 'utf8')) as RunningGatewayInfo;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return undefined;
  }
}
