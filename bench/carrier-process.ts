/**
 * The bench's sandbox carrier in a process of its own, so the times it records are not the sender's
 * event loop stalls: a busy gateway process would otherwise take several spaced requests in one go
 * and show them as a burst the carrier never saw. Prints one JSON line with its URLs, then serves
 * GET /count[?to=], GET /outbox[?from=index], GET /attempts and POST /clear on its control URL
 * until stdin closes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandboxCarrier } from '../lib/local/sandbox-carrier';

async function main(): Promise<void> {
  const [accountSid, authToken] = process.argv.slice(2);
  const carrier = await startSandboxCarrier({ accountSid: accountSid!, authToken: authToken!, statusCallbacks: false });
  const control = http.createServer((req, res) => {
    const answer = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = new URL(req.url ?? '/', 'http://carrier');
    const to = url.searchParams.get('to');
    if (req.method === 'GET' && url.pathname === '/count') return answer({ count: carrier.outbox().filter((entry) => !to || entry.to === to).length });
    if (req.method === 'GET' && url.pathname === '/outbox') return answer(carrier.outbox().slice(Number(url.searchParams.get('from') ?? 0)));
    if (req.method === 'GET' && url.pathname === '/attempts') return answer(carrier.attempts());
    if (req.method === 'POST' && url.pathname === '/clear') return answer((carrier.clear(), {}));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const port = (control.address() as AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ url: carrier.url, control: `http://127.0.0.1:${port}` })}\n`);
  // The bench holds our stdin: when it ends, however it ends, so do we.
  process.stdin.on('end', () => process.exit(0)).resume();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
