import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type GlobalSecondaryIndexDescription,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { tables, type TableName, type TableSpec } from '../topology';

export function localTableName(table: TableName, stage = 'local'): string {
  return `sms-gateway-${stage}-${table}`;
}

async function describe(client: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

function attributeDefinitions(spec: TableSpec): AttributeDefinition[] {
  const names = new Set([spec.partitionKey, spec.sortKey, ...Object.values(spec.indexes ?? {}).flatMap((i) => [i.partitionKey, i.sortKey])]);
  return [...names].map((AttributeName) => ({ AttributeName, AttributeType: 'S' }));
}

type IndexSpec = NonNullable<TableSpec['indexes']>[string];

function indexDefinition(IndexName: string, index: IndexSpec): GlobalSecondaryIndex {
  return {
    IndexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: index.projection },
  };
}

/** Waits (up to 60 s) until DynamoDB Local has finished deleting an index (`gone`) or building one (`ACTIVE`). */
async function indexSettled(client: DynamoDBClient, name: string, indexName: string, want: 'gone' | 'ACTIVE'): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const index = (await describe(client, name))?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName);
    if (want === 'gone' ? !index : index?.IndexStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`index ${indexName} of ${name} is not ${want} after 60 s`);
}

/**
 * A data directory from before an index existed gets it added, and one whose index projects other
 * attributes than the topology says gets it rebuilt (DynamoDB cannot change an index's projection in
 * place), so `npm start` never needs a reset.
 */
async function alignIndexes(client: DynamoDBClient, name: string, spec: TableSpec, present: GlobalSecondaryIndexDescription[]): Promise<void> {
  for (const [indexName, index] of Object.entries(spec.indexes ?? {})) {
    const existing = present.find((description) => description.IndexName === indexName);
    if (existing?.Projection?.ProjectionType === index.projection) continue;
    if (existing) {
      await client.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: indexName } }] }));
      await indexSettled(client, name, indexName, 'gone');
    }
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: attributeDefinitions(spec),
        GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(indexName, index) }],
      }),
    );
    await indexSettled(client, name, indexName, 'ACTIVE');
  }
}

/** Creates the topology's tables that are missing; returns the ones it created. */
export async function ensureTables(client: DynamoDBClient, stage = 'local'): Promise<TableName[]> {
  const created: TableName[] = [];
  for (const [table, spec] of Object.entries(tables) as [TableName, TableSpec][]) {
    const name = localTableName(table, stage);
    const existing = await describe(client, name);
    if (existing) {
      await alignIndexes(client, name, spec, existing.GlobalSecondaryIndexes ?? []);
      continue;
    }
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeDefinitions(spec),
        KeySchema: [
          { AttributeName: spec.partitionKey, KeyType: 'HASH' },
          { AttributeName: spec.sortKey, KeyType: 'RANGE' },
        ],
        ...(spec.indexes ? { GlobalSecondaryIndexes: Object.entries(spec.indexes).map(([indexName, index]) => indexDefinition(indexName, index)) } : {}),
      }),
    );
    if (spec.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: spec.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
    created.push(table);
  }
  return created;
}
