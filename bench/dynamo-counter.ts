import { dynamo } from '../functions/adapters/aws-clients';

export interface DynamoCounter {
  total(): number;
  /** Requests by "Command table", so a change in the count can be traced to its access pattern. */
  byOperation(): Map<string, number>;
  reset(): void;
}

/**
 * Counts every request the handlers send through the shared DynamoDBDocumentClient. The gateway runs
 * the handlers in this process, so `dynamo()` here is their singleton (the client reads its endpoint
 * on first use, hence: call this after startLocalGateway has set the environment). The initialize
 * step runs once per command, before retries, so a retried request still counts as one.
 */
export function countDynamoRequests(): DynamoCounter {
  const counts = new Map<string, number>();
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      // TransactWriteItems names its tables per item, not at the top.
      const table = (args.input as { TableName?: string }).TableName ?? '(per item)';
      const key = `${(context.commandName ?? 'unknown').replace(/Command$/, '')} ${table}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchDynamoRequestCounter' },
  );
  return {
    total: () => [...counts.values()].reduce((sum, n) => sum + n, 0),
    byOperation: () => new Map(counts),
    reset: () => counts.clear(),
  };
}
