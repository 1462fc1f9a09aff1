import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

/** One client per service per container, created on first use and reused across invocations. */
let documentClient: DynamoDBDocumentClient | undefined;
let sqsClient: SQSClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } },
  );
  return documentClient;
}

export function sqs(): SQSClient {
  sqsClient ??= new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS });
  return sqsClient;
}
