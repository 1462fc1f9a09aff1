import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
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

function indexDefinition(IndexName: string, index: { partitionKey: string; sortKey: string }): GlobalSecondaryIndex {
  return {
    IndexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  };
}

/** A data directory from before an index existed gets it added, so `npm start` never needs a reset. */
async function addMissingIndexes(client: DynamoDBClient, name: string, spec: TableSpec, present: string[]): Promise<void> {
  for (const [indexName, index] of Object.entries(spec.indexes ?? {})) {
    if (present.includes(indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: attributeDefinitions(spec),
        GlobalSecondaryIndexUpdates: [{ Create: indexDefinition(indexName, index) }],
      }),
    );
  }
}

/** Creates the topology's tables that are missing; returns the ones it created. */
export async function ensureTables(client: DynamoDBClient, stage = 'local'): Promise<TableName[]> {
  const created: TableName[] = [];
  for (const [table, spec] of Object.entries(tables) as [TableName, TableSpec][]) {
    const name = localTableName(table, stage);
    const existing = await describe(client, name);
    if (existing) {
      await addMissingIndexes(client, name, spec, existing.GlobalSecondaryIndexes?.map((index) => index.IndexName!) ?? []);
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
