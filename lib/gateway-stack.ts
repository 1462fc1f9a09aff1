import { CfnElement, CfnOutput, RemovalPolicy, Stack, Tags, Validations, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DataStores } from './constructs/data-stores';
import { GatewayFunction } from './constructs/gateway-function';
import { WebhookApi } from './constructs/http-api';
import { attachTrigger } from './constructs/triggers';
import { EVENT_BUS_ENV, functionEntries, queues, tables, type FunctionName, type FunctionSpec } from './topology';

export interface GatewayStackProps extends StackProps {
  stage: string;
  /** The short code (or number) Twilio delivers to; only labels outputs and resources. */
  shortCode: string;
  /** Not a secret: identifies the Twilio account; the auth token lives in Secrets Manager. */
  twilioAccountSid: string;
  /** The URL Twilio is configured with, when it is a custom domain rather than the execute-api URL. */
  publicUrl?: string;
}

/** Everything in lib/topology.ts, deployed: the topology decides what exists, this decides how. */
export class GatewayStack extends Stack {
  readonly stores: DataStores;
  readonly api: WebhookApi;
  readonly eventBus: events.EventBus;
  readonly twilioAuthToken: secretsmanager.Secret;
  readonly functions = {} as Record<FunctionName, GatewayFunction>;

  constructor(scope: Construct, id: string, props: GatewayStackProps) {
    super(scope, id, props);
    const prod = props.stage === 'prod';
    // Only the tables are kept regardless of stage; logs and the secret go with a dev stack.
    const removal = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = prod ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.TWO_WEEKS;
    Tags.of(this).add('sms-gateway:stage', props.stage);
    Tags.of(this).add('sms-gateway:short-code', props.shortCode);

    this.stores = new DataStores(this, 'Data', { stage: props.stage });
    this.api = new WebhookApi(this, 'Webhooks', { stage: props.stage, logRetention, logRemovalPolicy: removal });
    this.eventBus = new events.EventBus(this, 'Bus', { eventBusName: `sms-gateway-${props.stage}` });
    this.twilioAuthToken = this.twilioSecret(removal);
    // The API's own endpoint (not its stage URL) keeps function → API references acyclic.
    const publicUrl = props.publicUrl ?? this.api.httpApi.apiEndpoint;

    for (const [name, spec] of functionEntries()) {
      const environment: Record<string, string> = {
        POWERTOOLS_SERVICE_NAME: 'sms-gateway',
        POWERTOOLS_LOG_LEVEL: prod ? 'INFO' : 'DEBUG',
        ...this.dataEnvironment(spec),
        ...(spec.publishesEvents ? { [EVENT_BUS_ENV]: this.eventBus.eventBusName } : {}),
        ...(spec.twilio
          ? {
              TWILIO_ACCOUNT_SID: props.twilioAccountSid,
              TWILIO_AUTH_TOKEN_SECRET_ARN: this.twilioAuthToken.secretArn,
              PUBLIC_URL: publicUrl,
            }
          : {}),
      };
      const fn = new GatewayFunction(this, name, { spec, environment, logRetention, logRemovalPolicy: removal });
      this.grantAccess(fn, spec);
      attachTrigger(fn, name, fn.fn, spec.trigger, {
        httpApi: this.api.httpApi,
        queues: this.stores.queues,
        eventBus: this.eventBus,
      });
      this.functions[name] = fn;
    }

    new CfnOutput(this, 'WebhookBaseUrl', {
      value: publicUrl,
      description: `Twilio webhooks for ${props.shortCode}: <this>/sms (incoming messages), <this>/sms/status (status callbacks)`,
    });
    new CfnOutput(this, 'TwilioAuthTokenSecretArn', { value: this.twilioAuthToken.secretArn });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName });
  }

  /** Table names and queue URLs, only for what the spec says the function uses. */
  private dataEnvironment(spec: FunctionSpec): Record<string, string> {
    const env: Record<string, string> = {};
    for (const { name } of spec.tables) env[tables[name].env] = this.stores.tables[name].tableName;
    // The handler's own default; set here so changing it is a deploy, not a code change.
    if (spec.tables.some((t) => t.name === 'catalog')) env.CATALOG_CACHE_SECONDS = '60';
    for (const queue of spec.sendsTo) env[queues[queue].env] = this.stores.queues[queue].queueUrl;
    return env;
  }

  private grantAccess(fn: GatewayFunction, spec: FunctionSpec): void {
    for (const { name, access } of spec.tables) {
      const table = this.stores.tables[name];
      if (access === 'read') table.grantReadData(fn.fn);
      else table.grantReadWriteData(fn.fn);
      if (tables[name].indexes) {
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(table.node.defaultChild as CfnElement)}.Arn>/index/*]`,
          reason: `The grant covers the ${name} table's own indexes (${Object.keys(tables[name].indexes!).join(', ')}), which are queried by name; no other table is reachable.`,
        });
      }
    }
    for (const queue of spec.sendsTo) this.stores.queues[queue].grantSendMessages(fn.fn);
    if (spec.twilio) this.twilioAuthToken.grantRead(fn.fn);
    if (spec.publishesEvents) this.eventBus.grantPutEventsTo(fn.fn);
  }

  private twilioSecret(removalPolicy: RemovalPolicy): secretsmanager.Secret {
    // The generated value is only a placeholder so no token is ever in code or templates; devops
    // puts the real one in after the first deploy:
    //   aws secretsmanager put-secret-value --secret-id <TwilioAuthTokenSecretArn> --secret-string <token>
    // Later deploys leave that value alone as long as generateSecretString does not change.
    const secret = new secretsmanager.Secret(this, 'TwilioAuthToken', {
      description: 'Twilio auth token (plain string). Placeholder until devops puts the real token in.',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      removalPolicy,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Twilio auth tokens are rotated in the Twilio console (promote the secondary token), which Secrets Manager cannot drive; devops then puts the new token in. Handlers cache it for five minutes only.',
    });
    return secret;
  }
}
