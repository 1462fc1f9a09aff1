import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueueName, queueName, queues, tables, type QueueName, type TableName } from '../topology';

/** Tag on every dead-letter queue; its value names what the queue catches. */
export const DEAD_LETTER_QUEUE_TAG = 'sms-gateway:dead-letter-queue-for';

/** The tables and queues of the topology; every entry there becomes a resource here. */
export class DataStores extends Construct {
  readonly tables = {} as Record<TableName, dynamodb.Table>;
  readonly queues = {} as Record<QueueName, sqs.Queue>;
  readonly deadLetterQueues = {} as Record<QueueName, sqs.Queue>;

  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    for (const [name, spec] of Object.entries(tables) as [TableName, (typeof tables)[TableName]][]) {
      // Audience data (consent, opt-outs) is a compliance record: it outlives any stack.
      this.tables[name] = new dynamodb.Table(this, `${name}Table`, {
        partitionKey: { name: spec.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: spec.sortKey, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
        ...(spec.timeToLiveAttribute ? { timeToLiveAttribute: spec.timeToLiveAttribute } : {}),
      });
      for (const [indexName, index] of Object.entries(spec.indexes ?? {})) {
        this.tables[name].addGlobalSecondaryIndex({
          indexName,
          partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType[index.projection],
        });
      }
    }
    for (const [name, spec] of Object.entries(queues) as [QueueName, (typeof queues)[QueueName]][]) {
      // Names come from the topology so the local runtime and AWS agree on them.
      const common = {
        fifo: spec.fifo || undefined,
        // Producers set a deduplication id (the Twilio MessageSid); body-based dedup would drop repeats.
        contentBasedDeduplication: spec.fifo ? false : undefined,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      };
      const dlq = new sqs.Queue(this, `${name}DeadLetterQueue`, {
        ...common,
        queueName: deadLetterQueueName(name, props.stage),
        // The longest SQS allows, to give someone time to look before messages age out.
        retentionPeriod: Duration.days(14),
      });
      // Says what the queue is for, to people and to the cfn-guard rules (no redrive of its own).
      Tags.of(dlq).add(DEAD_LETTER_QUEUE_TAG, queueName(name, props.stage));
      this.deadLetterQueues[name] = dlq;
      this.queues[name] = new sqs.Queue(this, `${name}Queue`, {
        ...common,
        queueName: queueName(name, props.stage),
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      });
    }
  }
}
