import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../functions/adapters/aws-clients';
import { currentInvocation } from '../lib/local/invocation-context';
import { tables } from '../lib/topology';

/** Capacity units by AWS's rules (see `countDynamoRequests`). */
export interface Capacity {
  read: number;
  write: number;
}

export interface DynamoCounter {
  total(): number;
  /** Requests by "Command table", so a change in the count can be traced to its access pattern. */
  byOperation(): Map<string, number>;
  /** Requests by "function Command": which handler made them (outside one: "(outside a handler)"). */
  byFunction(): Map<string, number>;
  /** Read and write capacity units the counted requests consumed (base table and indexes). */
  capacity(): Capacity;
  /** Requests and capacity of the functions set apart (FUNNEL_COUNTING): counted on their own, in none of the above. */
  setApart(): { requests: number; capacity: Capacity };
  reset(): void;
  /** Takes the counter off the client (its own size look-ups would show in another count). */
  stop(): void;
}

type Item = Record<string, unknown>;
type Consumed = { CapacityUnits?: number };
type TransactItem = { Put?: { TableName: string; Item: Item }; Update?: { TableName: string; Key: Item }; Delete?: { TableName: string; Key: Item }; ConditionCheck?: { TableName: string; Key: Item } };

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
/** The audience table's one index, as the topology declares it: an item is in it when it has the index's key. */
const INDEX = tables.audience.indexes!.byZone!;
/** What an index entry holds: the whole item, or (KEYS_ONLY) the table's and the index's keys. */
const indexEntry = (item: Item): Item =>
  INDEX.projection === 'ALL' ? item : Object.fromEntries([tables.audience.partitionKey, tables.audience.sortKey, INDEX.partitionKey, INDEX.sortKey].map((key) => [key, item[key]]));

/** An attribute value's size as DynamoDB bills it: UTF-8 bytes, ~1 byte per 2 digits, 3 bytes + 1 per element for lists and maps. */
function valueSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return Math.ceil(String(value).replace(/[-.]/g, '').replace(/^0+/, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueSize(v), 0);
  return 3 + Object.entries(value as Item).reduce((sum, [name, v]) => sum + 1 + Buffer.byteLength(name) + valueSize(v), 0);
}

/** An item's size: attribute names and values. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/**
 * What one TransactWriteItems costs by AWS's rules, which DynamoDB Local does not follow for
 * transactions: every item (Put, Update, Delete and ConditionCheck alike) 2 write units per KB of the
 * item, and an index write for an item filed in the index (counted at the same rate). Put sizes come
 * from the request; the others from the item as stored after the transaction (`stored`).
 */
export async function transactionUnits(items: TransactItem[], stored: (table: string, key: Item) => Promise<Item | undefined>): Promise<number> {
  let units = 0;
  for (const item of items) {
    const target = item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck;
    if (!target) continue;
    const after = item.Put ? item.Put.Item : await stored(target.TableName, (target as { Key: Item }).Key);
    const size = after ? itemSize(after) : 0;
    units += 2 * writeUnits(size);
    if (after && INDEX.partitionKey in after && !item.ConditionCheck && !item.Delete) units += 2 * writeUnits(itemSize(indexEntry(after)));
  }
  return units;
}

/**
 * Counts every request the handlers send through the shared DynamoDBDocumentClient. The gateway runs
 * the handlers in this process, so `dynamo()` here is their singleton (the client reads its endpoint
 * on first use, hence: call this after startLocalGateway has set the environment). The initialize
 * step runs once per command, before retries, so a retried request still counts as one.
 *
 * Capacity: single-item requests and reads as DynamoDB Local reports them (ReturnConsumedCapacity
 * INDEXES: 1 KB a write unit, 4 KB a read unit, half for an eventually consistent read; index writes
 * included), with AWS's minimum for a read that finds nothing; transactions by `transactionUnits`.
 * Not counted: a write refused by its condition (it throws, without the figure; AWS bills it too).
 */
/**
 * The funnel report's stats writer: it counts what the texting path does, after the fact, and has
 * budgets of its own (per text and per coupon), so the texting path's budgets measure that path alone.
 */
export const FUNNEL_COUNTING: ReadonlySet<string> = new Set(['recordStats']);

export function countDynamoRequests(): DynamoCounter {
  const counts = new Map<string, number>();
  const functionCounts = new Map<string, number>();
  const main: Capacity = { read: 0, write: 0 };
  const apart = { requests: 0, capacity: { read: 0, write: 0 } as Capacity };
  const client = dynamo();
  // The counter's own look-ups (item sizes after a transaction) are neither counted nor measured.
  const own = new WeakSet<object>();
  const stored = async (TableName: string, Key: Item) => {
    const input = { TableName, Key };
    own.add(input);
    return (await client.send(new GetCommand(input))).Item;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (own.has(args.input as object)) return next(args);
      // TransactWriteItems names its tables per item, not at the top.
      const input = args.input as { TableName?: string; ReturnConsumedCapacity?: string; ConsistentRead?: boolean; TransactItems?: TransactItem[] };
      const table = input.TableName ?? '(per item)';
      const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
      const key = `${operation} ${table}`;
      const functionName = currentInvocation.getStore()?.functionName ?? '(outside a handler)';
      const setApart = FUNNEL_COUNTING.has(functionName);
      const capacity = setApart ? apart.capacity : main;
      if (setApart) apart.requests += 1;
      else {
        counts.set(key, (counts.get(key) ?? 0) + 1);
        const byFn = `${functionName} ${operation}`;
        functionCounts.set(byFn, (functionCounts.get(byFn) ?? 0) + 1);
      }
      // Asking for the figure changes nothing else in the answer the handler sees.
      input.ReturnConsumedCapacity ??= 'INDEXES';
      const result = await next(args);
      if (operation === 'TransactWriteItems') {
        // Awaited first: `capacity.write += await …` would add to the figure read before the await.
        const units = await transactionUnits(input.TransactItems ?? [], stored);
        capacity.write += units;
        return result;
      }
      const consumed = (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      if (READS.has(operation)) capacity.read += Math.max(units, input.ConsistentRead ? 1 : 0.5);
      else capacity.write += units;
      return result;
    },
    { step: 'initialize', name: 'benchDynamoRequestCounter' },
  );
  return {
    total: () => [...counts.values()].reduce((sum, n) => sum + n, 0),
    byOperation: () => new Map(counts),
    byFunction: () => new Map(functionCounts),
    capacity: () => ({ ...main }),
    setApart: () => ({ requests: apart.requests, capacity: { ...apart.capacity } }),
    reset: () => {
      counts.clear();
      functionCounts.clear();
      main.read = 0;
      main.write = 0;
      apart.requests = 0;
      apart.capacity = { read: 0, write: 0 };
    },
    stop: () => void client.middlewareStack.remove('benchDynamoRequestCounter'),
  };
}

/**
 * Waits until the functions set apart (the stats writer, fed asynchronously by the bus) have made no
 * request for `quietMs`: their figures are then complete for what was just done.
 */
export async function setApartSettled(counter: DynamoCounter, until: (condition: () => Promise<boolean>, what: string) => Promise<void>, quietMs = 400): Promise<void> {
  let last = -1;
  await until(async () => {
    const now = counter.setApart().requests;
    const quiet = now === last;
    last = now;
    if (!quiet) await new Promise((resolve) => setTimeout(resolve, quietMs));
    return quiet;
  }, 'the stats writer to finish counting');
}
