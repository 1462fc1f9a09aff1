#!/usr/bin/env node
/**
 * The marketers' sweepstakes CLI: `npm run sweepstakes -- list | entries <id> | draw <id>`, against the
 * running local gateway, or a deployed stage's tables with --catalog-table, --audience-table and
 * --region (a draw also needs --stage: the outbound queue and the bus it texts winners and publishes through).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localDynamo, stageDynamo } from '../lib/cli-dynamo';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { scanCatalogItems } from '../functions/adapters/catalog-scan';
import { DynamoSweepstakesRecords } from '../functions/adapters/dynamo-sweepstakes';
import { EventBridgePublisher } from '../functions/adapters/eventbridge-publisher';
import { SqsOutbox } from '../functions/adapters/sqs-queues';
import { validateCatalog } from '../functions/domain/catalog';
import { drawSweepstakes, findSweepstakes } from '../functions/domain/draw-sweepstakes';
import { maskPhone } from '../functions/domain/phone-masking';
import { distinctEntrants, DRAW_ALGORITHM, sweepstakesStage } from '../functions/domain/sweepstakes';
import { describeProblem } from '../lib/catalog-admin';
import { LOCAL_EVENTBRIDGE_PATH } from '../lib/local/http-routes';
import { gatewayNow, readRunningInfo, settingsFromEnv } from '../lib/local/settings';
import { runCli } from '../lib/run-cli';
import { formatTable } from '../lib/text-table';
import { queueName } from '../lib/topology';

// These machines run Node 20 on purpose (Lambda runs nodejs22.x); the SDK's upgrade notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `Usage:
  npm run sweepstakes -- list                     every sweepstakes of the catalog, its dates and stage
  npm run sweepstakes -- entries SWEEPSTAKES_ID   how many entries and entrants, and each entry (numbers masked)
  npm run sweepstakes -- draw SWEEPSTAKES_ID [--winners N] [--seed S]
                                                  draw the winners once the sweepstakes has ended, text them, publish SweepstakesWon
Options: --program ID (when two programs have a sweepstakes of that id) --json --show-numbers (entries: whole numbers, to re-check a draw)
         --catalog-table NAME --audience-table NAME --region REGION (a deployed stage; default: the running local gateway's)
         --stage NAME (draw on a deployed stage: its outbound queue and event bus)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    program: { type: 'string' },
    winners: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    'show-numbers': { type: 'boolean' },
    'catalog-table': { type: 'string' },
    'audience-table': { type: 'string' },
    region: { type: 'string' },
    stage: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

interface Connection {
  client: DynamoDBDocumentClient;
  catalogTable: string;
  audienceTable: string;
  /** The time that judges open and closed: the local gateway's own clock, else the real time. */
  now: Date;
  /** Where a draw texts winners and publishes SweepstakesWon. */
  sending: () => Promise<{ outbox: SqsOutbox; events: EventBridgePublisher }>;
}

async function connect(): Promise<Connection> {
  const catalogTable = values['catalog-table'];
  const audienceTable = values['audience-table'];
  if (catalogTable || audienceTable) {
    if (!catalogTable || !audienceTable) throw new Error('A deployed stage needs both --catalog-table and --audience-table.');
    const region = values.region;
    const client = stageDynamo(region);
    return {
      client,
      catalogTable,
      audienceTable,
      now: new Date(),
      sending: async () => {
        if (!values.stage) throw new Error('A draw on a deployed stage needs --stage (its outbound queue and event bus).');
        const sqs = new SQSClient({ region, endpoint: process.env.AWS_ENDPOINT_URL_SQS });
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName('outbound', values.stage) }));
        const bus = new EventBridgeClient({ region, endpoint: process.env.AWS_ENDPOINT_URL_EVENTBRIDGE });
        return { outbox: new SqsOutbox(sqs, QueueUrl!, () => new Date()), events: new EventBridgePublisher(bus, `sms-gateway-${values.stage}`) };
      },
    };
  }
  const running = readRunningInfo(settingsFromEnv().dataDir);
  if (!running) throw new Error('No local gateway is running (start it with `npm start`), and no --catalog-table/--audience-table was given.');
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  return {
    client: localDynamo(running),
    catalogTable: running.tables.catalog!,
    audienceTable: running.tables.audience!,
    now: await gatewayNow(running),
    sending: async () => {
      const sqs = new SQSClient({ endpoint: running.sqsEndpoint, region: 'us-east-1', credentials });
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName('outbound') }));
      const bus = new EventBridgeClient({ endpoint: `${running.url}${LOCAL_EVENTBRIDGE_PATH}`, region: 'us-east-1', credentials });
      return { outbox: new SqsOutbox(sqs, QueueUrl!, () => new Date()), events: new EventBridgePublisher(bus, 'sms-gateway-local') };
    },
  };
}

const shown = (phone: string) => (values['show-numbers'] ? phone : maskPhone(phone));

async function main(): Promise<number> {
  const [command, sweepstakesId] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (!['list', 'entries', 'draw'].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const connection = await connect();
  const { catalog, problems } = validateCatalog(await scanCatalogItems(connection.client, connection.catalogTable));
  const sweepstakesProblems = problems.filter((problem) => problem.key.includes(' / SWEEPSTAKES#'));
  const { now } = connection;
  if (command === 'list') {
    const all = catalog.programs.flatMap((program) => program.sweepstakes.map((sweepstakes) => ({ program, sweepstakes })));
    if (values.json) console.log(JSON.stringify({ sweepstakes: all.map(({ sweepstakes }) => ({ ...sweepstakes, stage: sweepstakesStage(sweepstakes, now) })), problems: sweepstakesProblems }, null, 2));
    else {
      console.log(formatTable('Sweepstakes', ['program', 'sweepstakes', 'keyword', 'starts', 'ends', 'zone', 'prize', 'stage'], all.map(({ program, sweepstakes: s }) => [program.programId, s.sweepstakesId, s.keyword, s.startsOn, s.endsOn, s.timeZone, s.prize, sweepstakesStage(s, now)])));
      for (const problem of sweepstakesProblems) console.error(`broken, left out: ${describeProblem(problem)}`);
    }
    return 0;
  }

  if (!sweepstakesId) throw new Error(`${command} needs a SWEEPSTAKES_ID (see \`npm run sweepstakes -- list\`)`);
  const found = findSweepstakes(catalog.programs, sweepstakesId, values.program);
  if (found.length !== 1) {
    for (const problem of sweepstakesProblems.filter((p) => p.key.endsWith(`SWEEPSTAKES#${sweepstakesId}`))) console.error(describeProblem(problem));
    console.error(found.length === 0 ? `No valid sweepstakes ${sweepstakesId} in ${connection.catalogTable}.` : `${sweepstakesId} is a sweepstakes of several programs: name one with --program.`);
    return 1;
  }
  const { program, sweepstakes } = found[0]!;
  const records = new DynamoSweepstakesRecords(connection.client, connection.audienceTable);

  if (command === 'entries') {
    const entries = await records.entries(program.programId, sweepstakes.sweepstakesId);
    const entrants = distinctEntrants(entries);
    if (values.json) {
      console.log(JSON.stringify({ programId: program.programId, sweepstakesId, entries: entries.length, entrants: entrants.length, list: entries.map((e) => ({ phone: shown(e.phone), enteredAt: e.enteredAt, localDate: e.localDate })) }, null, 2));
      return 0;
    }
    console.log(`${sweepstakes.name} (${sweepstakesId}, ${program.programId}): ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} from ${entrants.length} entrant(s), ${sweepstakes.startsOn} to ${sweepstakes.endsOn} (${sweepstakes.timeZone}), ${sweepstakesStage(sweepstakes, now)}`);
    console.log(formatTable('Entries', ['phone', 'entered at', 'local date'], entries.map((e) => [shown(e.phone), e.enteredAt, e.localDate])));
    return 0;
  }

  const winners = values.winners === undefined ? undefined : Number(values.winners);
  if (winners !== undefined && !(Number.isInteger(winners) && winners >= 1)) throw new Error(`--winners must be a whole number of at least 1, got ${values.winners}`);
  const { outbox, events } = await connection.sending();
  const outcome = await drawSweepstakes(
    { sweepstakesId, programId: program.programId, ...(winners ? { winners } : {}), ...(values.seed !== undefined ? { seed: values.seed } : {}) },
    { catalog: { load: async () => catalog }, records, outbox, events, random: { bytes: (count) => new Uint8Array(randomBytes(count)) }, clock: { now: () => now } },
  );
  if (values.json) console.log(JSON.stringify({ ...outcome, ...(outcome.kind === 'drawn' ? { draw: { ...outcome.draw, winners: outcome.draw.winners.map(shown) } } : {}), ...('earlier' in outcome && outcome.earlier ? { earlier: { ...outcome.earlier, winners: outcome.earlier.winners.map(shown) } } : {}) }, null, 2));
  if (outcome.kind === 'drawn') {
    const { draw } = outcome;
    if (!values.json) {
      console.log(`${sweepstakes.name} (${sweepstakesId}) drawn with seed ${draw.seed}${values.seed === undefined ? ' (random; recorded with the draw)' : ''}`);
      console.log(`${draw.winners.length} winner(s) among ${draw.entrants} distinct entrant(s) (${draw.entries} entries): ${draw.winners.map(shown).join(', ')}`);
      console.log(`Each winner is texted (quiet hours waited out) and SweepstakesWon is published.`);
      console.log(`Re-check: ${DRAW_ALGORITHM} (see the README's Sweepstakes section); entrants from \`npm run sweepstakes -- entries ${sweepstakesId} --show-numbers\`.`);
    }
    return 0;
  }
  if (!values.json) {
    console.error(`Refused: ${outcome.reason}`);
    if (outcome.kind === 'refused' && outcome.earlier) {
      console.error(`Winners of that draw: ${outcome.earlier.winners.map(shown).join(', ')}`);
      if (outcome.resumed) console.error('That draw had stopped before its winners were texted: they are texted now.');
    }
  }
  return 1;
}

runCli(main);
