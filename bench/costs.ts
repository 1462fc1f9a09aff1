/**
 * `npm run costs`: what one million inbound texts cost in AWS, from the stack's real settings (the
 * topology's memory sizes, arm64, on-demand DynamoDB, SQS FIFO, HTTP API) and the DynamoDB requests
 * per text that `npm run bench` measures. Prices are us-east-1 list prices; Twilio's per-segment
 * carrier fees are not AWS costs and are left out. Assumptions are printed with the figures.
 */
import { functions } from '../lib/topology';
import { formatTable } from './table';

const TEXTS = 1_000_000;

const PRICE = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6,
  sqsFifoRequest: 0.5 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  eventBridgeEvent: 1.0 / 1e6,
};

/** Per inbound text; measured by `npm run bench` where it says so, estimated where it cannot be. */
const PER_TEXT = {
  replies: 1.5, // welcome + question on a join, one reply otherwise
  dynamoReadUnits: 4, // measured: 1 GetItem + 2-3 Query (consistent, items < 4 KB)
  dynamoWriteUnits: 8, // measured: 1 TransactWriteItems (~3 items × 2 WRU) + 1-2 UpdateItem (message log)
  domainEvents: 0.6, // opt-ins, answers, opt-outs
  durationMs: { receiveSms: 40, converse: 90, sendSms: 180, trackDelivery: 30 }, // send-sms waits on Twilio
  statusCallbacks: 2, // sent, delivered per reply
};

function lambda(name: keyof typeof PER_TEXT.durationMs, invocations: number): number {
  const gbSeconds = (functions[name].memoryMb / 1024) * (PER_TEXT.durationMs[name] / 1000) * invocations;
  return gbSeconds * PRICE.lambdaGbSecondArm + invocations * PRICE.lambdaRequest;
}

const replies = TEXTS * PER_TEXT.replies;
const callbacks = replies * PER_TEXT.statusCallbacks;
const rows: [string, number, string][] = [
  ['Lambda receive-sms', lambda('receiveSms', TEXTS), `${functions.receiveSms.memoryMb} MB, ${PER_TEXT.durationMs.receiveSms} ms`],
  ['Lambda converse', lambda('converse', TEXTS), `${functions.converse.memoryMb} MB, ${PER_TEXT.durationMs.converse} ms, batch of 1 (FIFO, distinct senders)`],
  ['Lambda send-sms', lambda('sendSms', replies), `${functions.sendSms.memoryMb} MB, ${PER_TEXT.durationMs.sendSms} ms, ${PER_TEXT.replies} replies a text`],
  ['Lambda track-delivery', lambda('trackDelivery', callbacks), `${PER_TEXT.statusCallbacks} status callbacks a reply`],
  ['API Gateway HTTP API', (TEXTS + callbacks) * PRICE.httpApiRequest, 'inbound webhooks + status callbacks'],
  ['SQS FIFO', (TEXTS + replies) * 3 * PRICE.sqsFifoRequest, 'send + receive + delete per message, two queues'],
  ['DynamoDB on-demand', TEXTS * (PER_TEXT.dynamoReadUnits * PRICE.dynamoReadUnit + PER_TEXT.dynamoWriteUnits * PRICE.dynamoWriteUnit), `${PER_TEXT.dynamoReadUnits} RRU + ${PER_TEXT.dynamoWriteUnits} WRU a text`],
  ['EventBridge custom events', TEXTS * PER_TEXT.domainEvents * PRICE.eventBridgeEvent, `${PER_TEXT.domainEvents} domain events a text`],
];
const total = rows.reduce((sum, [, cost]) => sum + cost, 0);
const usd = (value: number) => `$${value.toFixed(2)}`;

console.log(
  formatTable(`AWS cost of ${TEXTS.toLocaleString('en-US')} inbound texts (arm64, us-east-1 list prices; Twilio fees not included)`, ['part', 'cost', 'assumption'], [...rows.map(([part, cost, note]) => [part, usd(cost), note]), ['total', usd(total), `${usd((total / TEXTS) * 1000)} per thousand texts`]]),
);
