#!/usr/bin/env node
/** `npm start`: the whole gateway on this machine, with real local stand-ins for AWS and Twilio. */
import { commandLine, LocalSetupError } from '../lib/local/child-processes';
import { PortTakenError, startLocalGateway, type LocalGateway } from '../lib/local/gateway';
import { settlePreviousRun } from '../lib/local/previous-run';
import { clearRunningInfo, SANDBOX_AUTH_TOKEN, settingsFromEnv, writeRunningInfo, type RecordedChild, type RunningGatewayInfo } from '../lib/local/settings';
import type { DependencyFailedError } from '../lib/local/supervisor';

// These machines run Node 20 on purpose (Lambda runs nodejs22.x); the SDK's upgrade notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const settings = settingsFromEnv();
const argv = commandLine(process.pid)?.split(' ');
let gateway: LocalGateway | undefined;
let ready: Omit<RunningGatewayInfo, 'pid' | 'argv' | 'children'> | undefined;
let stopping = false;

/** The running-info file, from the first child spawned on: a crash at any point leaves their pids behind. */
function record(children: RecordedChild[]): void {
  if (!stopping) writeRunningInfo(settings.dataDir, { pid: process.pid, ...(argv ? { argv } : {}), ...ready, children });
}

async function stop(code: number, why: string): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.error(why);
    await gateway?.stop().catch((error: unknown) => console.error('While stopping:', error));
    clearRunningInfo(settings.dataDir);
  }
  process.exit(code);
}

async function main(): Promise<void> {
  const previous = await settlePreviousRun(settings.dataDir);
  if (previous.kind === 'running') {
    console.error(`Another local gateway (pid ${previous.run.pid}) is already running at ${previous.run.url ?? '(starting)'} with DATA_DIR ${settings.dataDir}. Stop it first, or use another DATA_DIR and PORT.`);
    process.exit(1);
  }
  if (previous.kind === 'crashed') {
    for (const child of previous.stopped) console.error(`Stopped ${child.name} (pid ${child.pid}), left running by a gateway (pid ${previous.run.pid}) that did not stop cleanly.`);
  }
  // Stop the children on every way out we can catch; a SIGKILL closes their stdin pipes and they exit on their own.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(0, `\n${signal}: stopping the local gateway…`));
  }
  console.log('Starting the local gateway (DynamoDB Local, local SQS, sandbox carrier)…');
  gateway = await startLocalGateway({
    ...settings,
    onChildren: record,
    onFatal: (error: DependencyFailedError) =>
      void stop(1, `\nFATAL: ${error.message}.\nThe local gateway stops rather than answer webhooks it cannot handle (dependency: ${error.dependency}).`),
  });
  ready = { url: gateway.url, publicUrl: gateway.publicUrl, linkBase: gateway.linkBase, dynamodbEndpoint: gateway.dynamodbEndpoint, sqsEndpoint: gateway.sqsEndpoint, tables: gateway.tables };
  record(gateway.children());

  const sandbox = !settings.twilioApiUrl;
  console.log(`
SMS gateway running at ${gateway.url}
  Console             ${gateway.url}/
  Twilio webhooks     POST ${gateway.publicUrl}/sms   and   ${gateway.publicUrl}/sms/status
  Short links         GET ${gateway.linkBase}/{id}
  Twilio account      ${settings.accountSid}${settings.authToken === SANDBOX_AUTH_TOKEN ? `  (sandbox auth token: ${SANDBOX_AUTH_TOKEN})` : ''}
  Outbound messages   ${sandbox ? `sandbox carrier, see GET ${gateway.url}/local/outbox` : `twilio client → ${settings.twilioApiUrl}`}
  DynamoDB Local      ${gateway.dynamodbEndpoint}  tables ${Object.values(gateway.tables).join(', ')}  data in ${settings.dataDir}${gateway.seededCatalog ? '  (demo catalog loaded)' : ''}
  SQS (fauxqs)        ${gateway.sqsEndpoint}   dead letters: npm run dlq -- list
  Schedules           ${settings.scheduler ? 'on' : 'off (fire with POST /local/schedules/{name})'}; clock: PUT /local/clock
  Health              GET ${gateway.url}/health

Try it:  npm run text -- KRUSTY
Ctrl-C stops everything.`);
}

main().catch(async (error: unknown) => {
  if (error instanceof PortTakenError || error instanceof LocalSetupError) {
    console.error(error.message);
  } else {
    console.error('The local gateway could not start:', error);
  }
  if (!stopping) clearRunningInfo(settings.dataDir);
  process.exit(1);
});
