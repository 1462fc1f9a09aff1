#!/usr/bin/env node
/** `npm start`: the whole gateway on this machine, with real local stand-ins for AWS and Twilio. */
import { LocalSetupError } from '../lib/local/child-processes';
import { PortTakenError, startLocalGateway } from '../lib/local/gateway';
import { clearRunningInfo, readRunningInfo, SANDBOX_AUTH_TOKEN, settingsFromEnv, writeRunningInfo } from '../lib/local/settings';

// These machines run Node 20 on purpose (Lambda runs nodejs22.x); the SDK's upgrade notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const settings = settingsFromEnv();
  const running = readRunningInfo(settings.dataDir);
  if (running) {
    console.error(`Another local gateway (pid ${running.pid}) is already running at ${running.url} with DATA_DIR ${settings.dataDir}. Stop it first, or use another DATA_DIR and PORT.`);
    process.exit(1);
  }
  console.log('Starting the local gateway (DynamoDB Local, local SQS, sandbox carrier)…');
  const gateway = await startLocalGateway(settings);
  writeRunningInfo(settings.dataDir, { pid: process.pid, url: gateway.url, publicUrl: gateway.publicUrl, dynamodbEndpoint: gateway.dynamodbEndpoint, tables: gateway.tables });

  const sandbox = !settings.twilioApiUrl;
  console.log(`
SMS gateway running at ${gateway.url}
  Twilio webhooks     POST ${gateway.publicUrl}/sms   and   ${gateway.publicUrl}/sms/status
  Twilio account      ${settings.accountSid}${settings.authToken === SANDBOX_AUTH_TOKEN ? `  (sandbox auth token: ${SANDBOX_AUTH_TOKEN})` : ''}
  Outbound messages   ${sandbox ? `sandbox carrier, see GET ${gateway.url}/local/outbox` : `twilio client → ${settings.twilioApiUrl}`}
  DynamoDB Local      ${gateway.dynamodbEndpoint}  tables ${Object.values(gateway.tables).join(', ')}  data in ${settings.dataDir}${gateway.seededCatalog ? '  (demo catalog loaded)' : ''}
  SQS (fauxqs)        ${gateway.sqsEndpoint}
  Schedules           ${settings.scheduler ? 'on' : 'off (fire with POST /local/schedules/{name})'}; clock: PUT /local/clock

Try it:  npm run text -- KRUSTY
Ctrl-C stops everything.`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local gateway…`);
    clearRunningInfo(settings.dataDir);
    await gateway.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof PortTakenError || error instanceof LocalSetupError) {
    console.error(error.message);
  } else {
    console.error('The local gateway could not start:', error);
  }
  process.exit(1);
});
