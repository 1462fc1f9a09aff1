import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { tables, type TableName } from '../topology';

export function localTableName(table: TableName, stage = 'local'): string {
  return `sms-gateway-${stage}-${table}`;
}

async function exists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

/** Creates the topology's tables that are missing; returns the ones it created. */
export async function ensureTables(client: DynamoDBClient, stage = 'local'): Promise<TableName[]> {
  const created: TableName[] = [];
  for (const [table, spec] of Object.entries(tables) as [TableName, (typeof tables)[TableName]][]) {
    const name = localTableName(table, stage);
    if (await exists(client, name)) continue;
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: spec.partitionKey, AttributeType: 'S' },
          { AttributeName: spec.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: spec.partitionKey, KeyType: 'HASH' },
          { AttributeName: spec.sortKey, KeyType: 'RANGE' },
        ],
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
