// Runs fauxqs (ESM-only) in its own process on 127.0.0.1 and reports the port it got on stdout.
// fauxqs's own startFauxqs listens on every interface, so this builds its app and listens itself.
import { buildApp } from 'fauxqs';

const app = buildApp({ logger: false });
await app.listen({ port: Number(process.env.FAUXQS_PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`FAUXQS_READY ${app.server.address().port}\n`);
const stop = () => app.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent closes our stdin when it goes away, even if it dies without a signal.
process.stdin.on('end', stop);
process.stdin.resume();
