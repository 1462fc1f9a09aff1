import { CfnOutput, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from './config/schema';
import { AlarmTopic } from './constructs/alarm-topic';
import { DataStores } from './constructs/data-stores';
import { GatewayEventBus } from './constructs/event-bus';
import { TwilioSecret } from './constructs/twilio-secret';

export interface DataStackProps extends StackProps {
  config: StageConfig;
}

/**
 * What holds state: tables, queues, the bus and its archive, the Twilio secret and the alarm topic's
 * subscriptions. Changes here are rare and reviewed; the service stack can be replaced at will.
 */
export class DataStack extends Stack {
  readonly stores: DataStores;
  readonly events: GatewayEventBus;
  readonly twilioAuthToken: TwilioSecret;
  readonly alarmTopic: AlarmTopic;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    const { config } = props;
    super(scope, id, {
      description: `SMS gateway ${config.stage}: tables, queues, event bus, Twilio secret`,
      terminationProtection: config.terminationProtection,
      ...props,
    });
    // Tables are retained whatever the stage (DataStores); the rest is retained in prod only.
    const removalPolicy = config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    Tags.of(this).add('sms-gateway:stage', config.stage);
    Tags.of(this).add('sms-gateway:short-code', config.shortCode);

    this.stores = new DataStores(this, 'Data', { stage: config.stage });
    this.events = new GatewayEventBus(this, 'Events', { stage: config.stage, archiveRetentionDays: config.eventArchiveRetentionDays });
    this.twilioAuthToken = new TwilioSecret(this, 'Twilio', { removalPolicy });
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { stage: config.stage, alarmEmail: config.alarmEmail, removalPolicy });

    new CfnOutput(this, 'TwilioAuthTokenSecretArn', {
      value: this.twilioAuthToken.secret.secretArn,
      description: 'Put the Twilio auth token here: aws secretsmanager put-secret-value --secret-id <this> --secret-string <token>',
    });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName, description: 'POS publishes PurchaseCompleted (source "pos") here' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topic.topicArn });
  }
}
