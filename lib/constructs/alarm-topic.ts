import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/**
 * Where every alarm goes. Kept with the data (not the alarms) so its subscriptions — the config's
 * e-mail and whatever on-call tool devops adds by hand — survive a replaced service stack.
 */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: { stage: string; alarmEmail?: string; removalPolicy: RemovalPolicy }) {
    super(scope, id);
    // A customer managed key, not alias/aws/sns: CloudWatch can only publish to an encrypted topic
    // whose key policy lets it, and the AWS managed key's policy cannot be changed.
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the sms-gateway-${props.stage} alarm topic`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(7),
    });
    const fromOwnAlarms = { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } };
    const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [cloudwatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions: fromOwnAlarms }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `sms-gateway-${props.stage}-alarms`,
      displayName: `SMS gateway ${props.stage} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // enforceSSL replaces the topic's default policy, so CloudWatch's right to publish is stated here.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({ principals: [cloudwatch], actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions: fromOwnAlarms }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
  }
}
