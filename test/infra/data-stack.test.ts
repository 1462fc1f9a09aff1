/** The stateful stack: what must survive any deploy, and how it is protected. */
import { Match } from 'aws-cdk-lib/assertions';
import { DEAD_LETTER_QUEUE_TAG } from '../../lib/constructs/data-stores';
import { stages } from '../../lib/config/stages';
import { deadLetterQueueName, functionEntries, queueName, queues, tables, type QueueName, type TableName } from '../../lib/topology';
import { SYNTH_TIMEOUT, TEST_ACCOUNT, idOf, synthGateway, type Synthesized } from './gateway-fixture';

jest.setTimeout(SYNTH_TIMEOUT);

let gateway: Synthesized;
beforeAll(() => {
  gateway = synthGateway();
}, SYNTH_TIMEOUT);

const STAGE = 'test';
const tableEntries = () => Object.entries(tables) as [TableName, (typeof tables)[TableName]][];
const queueEntries = () => Object.entries(queues) as [QueueName, (typeof queues)[QueueName]][];

describe('tables', () => {
  it.each(tableEntries())('%s: on-demand, pk/sk, PITR, retained, deletion-protected, TTL and indexes as specified', (name, spec) => {
    // Prepare
    const id = idOf(gateway.data.stores.tables[name]);
    // Act
    const table = gateway.dataTemplate.findResources('AWS::DynamoDB::Table')[id];
    // Assess
    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: spec.partitionKey, KeyType: 'HASH' },
        { AttributeName: spec.sortKey, KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    expect(table.Properties.TimeToLiveSpecification).toEqual(
      spec.timeToLiveAttribute ? { AttributeName: spec.timeToLiveAttribute, Enabled: true } : undefined,
    );
    const indexes = (table.Properties.GlobalSecondaryIndexes ?? []).map((i: { IndexName: string; Projection: { ProjectionType: string } }) => [i.IndexName, i.Projection.ProjectionType]);
    expect(indexes).toEqual(Object.entries(spec.indexes ?? {}).map(([indexName, index]) => [indexName, index.projection]));
  });

  it('audience: the byZone index the lunch fan-out reads projects keys only, so a marketing send rewrites no index entry', () => {
    // Act
    const table = gateway.dataTemplate.findResources('AWS::DynamoDB::Table')[idOf(gateway.data.stores.tables.audience)];
    // Assess
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byZone',
        KeySchema: [
          { AttributeName: 'zoneKey', KeyType: 'HASH' },
          { AttributeName: 'phone', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
  });
});

describe('queues', () => {
  it.each(queueEntries())('%s: visible again only after six times its consumer\'s function timeout (AWS advice for Lambda sources)', (name) => {
    // Prepare
    const consumers = functionEntries().filter(([, spec]) => spec.trigger.kind === 'queue' && spec.trigger.queue === name);
    // Act
    const visibility = gateway.dataTemplate.findResources('AWS::SQS::Queue')[idOf(gateway.data.stores.queues[name])]!.Properties.VisibilityTimeout as number;
    // Assess
    for (const [, consumer] of consumers) expect(visibility).toBeGreaterThanOrEqual(6 * consumer.timeoutSeconds);
  });

  it.each(queueEntries())('%s: FIFO as specified, redrive to its tagged DLQ, SSE and TLS enforced', (name, spec) => {
    // Prepare
    const id = idOf(gateway.data.stores.queues[name]);
    const dlqId = idOf(gateway.data.stores.deadLetterQueues[name]);
    // Act
    const all = gateway.dataTemplate.findResources('AWS::SQS::Queue');
    // Assess
    expect(all[id].Properties).toMatchObject({
      QueueName: queueName(name, STAGE),
      VisibilityTimeout: spec.visibilityTimeoutSeconds,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: spec.maxReceiveCount },
    });
    expect(all[dlqId].Properties).toMatchObject({
      QueueName: deadLetterQueueName(name, STAGE),
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    expect(all[dlqId].Properties.Tags).toContainEqual({ Key: DEAD_LETTER_QUEUE_TAG, Value: queueName(name, STAGE) });
    for (const queue of [all[id], all[dlqId]]) {
      expect(queue.Properties.FifoQueue).toBe(spec.fifo ? true : undefined);
      expect(queue.Properties.ContentBasedDeduplication).toBe(spec.fifo ? false : undefined);
    }
    for (const queueId of [id, dlqId]) {
      gateway.dataTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });
});

describe('event bus', () => {
  it('is a custom bus with an archive of every event, kept for the configured days', () => {
    // Prepare
    const busId = idOf(gateway.data.events.bus);
    // Act + Assess
    gateway.dataTemplate.hasResourceProperties('AWS::Events::EventBus', { Name: `sms-gateway-${STAGE}` });
    gateway.dataTemplate.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] },
      EventPattern: { account: [TEST_ACCOUNT] },
      RetentionDays: gateway.config.eventArchiveRetentionDays,
    });
  });

  it('keeps 30 days of events in prod', () => {
    expect(stages.prod.eventArchiveRetentionDays).toBe(30);
  });
});

describe('Twilio secret', () => {
  it('is generated (a placeholder), so no token ever sits in code or a template', () => {
    // Act
    const secrets = Object.values(gateway.dataTemplate.findResources('AWS::SecretsManager::Secret'));
    // Assess
    expect(secrets).toHaveLength(1);
    expect(secrets[0].Properties.GenerateSecretString).toBeDefined();
    expect(secrets[0].Properties.SecretString).toBeUndefined();
    gateway.dataTemplate.hasOutput('TwilioAuthTokenSecretArn', { Value: { Ref: idOf(gateway.data.twilioAuthToken.secret) } });
  });
});

describe('alarm topic', () => {
  it('is encrypted with a rotating customer key CloudWatch may use, refuses plain HTTP, and mails the configured address', () => {
    // Prepare
    const keyId = idOf(gateway.data.alarmTopic.key);
    const topicId = idOf(gateway.data.alarmTopic.topic);
    // Act + Assess
    gateway.dataTemplate.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    gateway.dataTemplate.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
    gateway.dataTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
    gateway.dataTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: { Ref: topicId },
    });
  });
});

describe('protection', () => {
  it('follows the config for termination protection, which prod must turn on', () => {
    // Assess
    expect(gateway.data.terminationProtection).toBe(gateway.config.terminationProtection);
    expect(stages.prod.terminationProtection).toBe(true);
    // The service stack is the replaceable half: never protected.
    expect(gateway.service.terminationProtection).toBe(false);
  });

  it('turns termination protection on for the prod data stack', () => {
    // Prepare + Act: wiring only, no bundling needed.
    const prod = synthGateway({ ...stages.prod }, { bundle: false });
    // Assess
    expect(prod.data.stackName).toBe('SmsGatewayData-prod');
    expect(prod.data.terminationProtection).toBe(true);
    expect(prod.service.terminationProtection).toBe(false);
  });
});
