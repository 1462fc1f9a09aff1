import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RunningGatewayInfo } from './local/settings';

const documentClient = (client: DynamoDBClient) => DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** The marketer CLIs' DynamoDB client for a deployed stage's tables (AWS_ENDPOINT_URL_DYNAMODB still applies). */
export function stageDynamo(region: string | undefined): DynamoDBDocumentClient {
  return documentClient(new DynamoDBClient({ region, endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }));
}

/** The marketer CLIs' DynamoDB client for the running local gateway's DynamoDB Local. */
export function localDynamo(running: Pick<RunningGatewayInfo, 'dynamodbEndpoint'>): DynamoDBDocumentClient {
  return documentClient(new DynamoDBClient({ endpoint: running.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
}
