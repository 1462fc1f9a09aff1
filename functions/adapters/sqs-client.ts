import { SQSClient } from '@aws-sdk/client-sqs';

/** One SQS client per container, created on first use and reused across invocations. */
let sqsClient: SQSClient | undefined;

export function sqs(): SQSClient {
  sqsClient ??= new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS });
  return sqsClient;
}
