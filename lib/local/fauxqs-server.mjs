// Runs fauxqs (ESM-only) in its own process and reports the port it got on stdout.
import { startFauxqs } from 'fauxqs';

const server = await startFauxqs({ port: Number(process.env.FAUXQS_PORT ?? 0), logger: false });
process.stdout.write(`FAUXQS_READY ${server.port}\n`);
const stop = () => server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent closes our stdin when it goes away, even if it dies without a signal.
process.stdin.on('end', stop);
process.stdin.resume();
