#!/usr/bin/env node
/** `npm run text -- KRUSTY [--from +15551234567] [--to 55155]`: text the local gateway like a phone would. */
import { parseArgs } from 'node:util';
import { readRunningInfo, settingsFromEnv } from '../lib/local/settings';
import { sendSignedText } from '../lib/local/text-client';

interface OutboxEntry { sid: string; to: string; from: string; body: string; mediaUrl: string[]; status: string; time: string }

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string', default: '+15555550100' },
    to: { type: 'string', default: '55155' },
    url: { type: 'string' },
    wait: { type: 'string', default: '10' },
  },
});

async function outbox(url: string): Promise<OutboxEntry[]> {
  return (await (await fetch(`${url}/local/outbox`)).json()) as OutboxEntry[];
}

async function main(): Promise<void> {
  const body = positionals.join(' ');
  if (!body) {
    console.error('Usage: npm run text -- <message> [--from +15555550100] [--to 55155]');
    process.exit(2);
  }
  const settings = settingsFromEnv();
  const running = readRunningInfo(settings.dataDir);
  const gatewayUrl = values.url ?? running?.url ?? `http://127.0.0.1:${settings.port}`;
  const publicUrl = settings.publicUrl ?? running?.publicUrl ?? gatewayUrl;
  const health = await fetch(`${gatewayUrl}/health`).catch(() => undefined);
  if (!health) {
    console.error(`No local gateway answers at ${gatewayUrl}. Start it first with: npm start`);
    process.exit(1);
  }
  if (!health.ok) {
    const { status, down = [] } = (await health.json().catch(() => ({}))) as { status?: string; down?: string[] };
    console.error(`The local gateway at ${gatewayUrl} cannot take a text now: ${down.length > 0 ? `${down.join(', ')} down` : (status ?? `HTTP ${health.status}`)} (see ${gatewayUrl}/health).`);
    process.exit(1);
  }
  const seen = new Set((await outbox(gatewayUrl)).map((entry) => entry.sid));
  const sent = await sendSignedText({ gatewayUrl, publicUrl, accountSid: settings.accountSid, authToken: settings.authToken, from: values.from, to: values.to, body });
  console.log(`${values.from} → ${values.to}: ${body}   [HTTP ${sent.status}]`);
  if (sent.status !== 200) {
    console.error(sent.body);
    process.exit(1);
  }
  // Print replies as they arrive; stop after 2 s of quiet once something came, or at --wait seconds.
  const deadline = Date.now() + Number(values.wait) * 1000;
  let lastReplyAt = 0;
  while (Date.now() < deadline && (lastReplyAt === 0 || Date.now() - lastReplyAt < 2000)) {
    await new Promise((ok) => setTimeout(ok, 250));
    for (const entry of await outbox(gatewayUrl)) {
      if (seen.has(entry.sid) || entry.to !== values.from) continue;
      seen.add(entry.sid);
      lastReplyAt = Date.now();
      console.log(`${entry.from} → ${entry.to}: ${entry.body}${entry.mediaUrl.length ? `  [media: ${entry.mediaUrl.join(', ')}]` : ''}`);
    }
  }
  if (lastReplyAt === 0) console.log(settings.twilioApiUrl ? '(replies went to TWILIO_API_URL, not the sandbox outbox)' : '(no reply)');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
