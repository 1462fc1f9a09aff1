import { CfnOutput, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../functions/shared/metric-names';
import { OPT_IN_LIMIT_ENV } from '../functions/shared/opt-in-limits';
import { SENDER_PACE_ENV, senderInstances } from '../functions/shared/sender-pace';
import type { StageConfig } from './config/schema';
import { GatewayAlarms } from './constructs/alarms';
import { GatewayDashboard } from './constructs/dashboard';
import { GatewayFunction } from './constructs/gateway-function';
import { grantAccess } from './constructs/grants';
import { WebhookApi } from './constructs/http-api';
import { StaffLogin } from './constructs/staff-login';
import { CONSOLE_AUTH_ENV } from '../functions/shared/console-settings';
import { attachTrigger } from './constructs/triggers';
import type { DataStack } from './data-stack';
import { deadLetterEnv, EVENT_BUS_ENV, functionEntries, queues, tables, type FunctionName, type FunctionSpec, type QueueName } from './topology';

export interface ServiceStackProps extends StackProps {
  config: StageConfig;
  data: DataStack;
}

/** What holds no state: functions, the HTTP API, rules and schedules, alarms and the dashboard. */
export class ServiceStack extends Stack {
  readonly api: WebhookApi;
  /** The console's staff login: a Cognito user pool and the JWT authorizer of every staff route. */
  readonly staffLogin: StaffLogin;
  readonly functions = {} as Record<FunctionName, GatewayFunction>;
  /** Dead-letter queues of the schedules and rules, by function. */
  readonly eventDeadLetterQueues: Partial<Record<FunctionName, sqs.Queue>> = {};
  readonly alarms: GatewayAlarms;
  readonly dashboard: GatewayDashboard;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    const { config, data } = props;
    super(scope, id, { description: `SMS gateway ${config.stage}: functions, webhooks, schedules, alarms`, ...props });
    // Logs go with a dev stack; prod keeps them for whoever investigates after a teardown.
    const logRemovalPolicy = config.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    Tags.of(this).add('sms-gateway:stage', config.stage);
    Tags.of(this).add('sms-gateway:short-code', config.shortCode);

    const customDomain = config.domainName && config.certificateArn ? { domainName: config.domainName, certificateArn: config.certificateArn } : undefined;
    this.api = new WebhookApi(this, 'Webhooks', { stage: config.stage, logRetention, logRemovalPolicy, customDomain });
    this.staffLogin = new StaffLogin(this, 'StaffLogin', { stage: config.stage, consoleUrl: this.api.publicUrl, removalPolicy: logRemovalPolicy });

    for (const [name, spec] of functionEntries()) {
      const environment: Record<string, string> = {
        POWERTOOLS_SERVICE_NAME: 'sms-gateway',
        POWERTOOLS_LOG_LEVEL: config.logLevel,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        ...this.dataEnvironment(spec, data),
        ...(spec.publishesEvents ? { [EVENT_BUS_ENV]: data.events.bus.eventBusName } : {}),
        ...(spec.twilio ? this.twilioEnvironment(config, data) : {}),
        ...(spec.optInCeiling ? { [OPT_IN_LIMIT_ENV.perMinute]: String(config.optInsPerMinute), [OPT_IN_LIMIT_ENV.perDay]: String(config.optInsPerDay) } : {}),
        ...(spec.pacesCarrier ? { [SENDER_PACE_ENV.mps]: String(config.senderMps), [SENDER_PACE_ENV.instances]: String(senderInstances(config.senderMps)) } : {}),
        ...(spec.shortensLinks ? this.linkEnvironment(config) : {}),
        // The console's page learns where staff sign in (its config.json).
        ...(spec.servesConsole ? { [CONSOLE_AUTH_ENV.domain]: this.staffLogin.domainUrl, [CONSOLE_AUTH_ENV.clientId]: this.staffLogin.client.userPoolClientId } : {}),
        ...(spec.measuresCopy ? { LINK_BASE: this.linkBase(config) } : {}),
        ...(spec.plansWaves ? { [SENDER_PACE_ENV.mps]: String(config.senderMps) } : {}),
      };
      const fn = new GatewayFunction(this, name, { spec, environment, logRetention, logRemovalPolicy });
      grantAccess(fn, spec, data);
      const attached = attachTrigger(fn, name, fn.fn, pacedTrigger(spec, config), {
        httpApi: this.api.httpApi,
        staffAuthorizer: this.staffLogin.authorizer,
        queues: data.stores.queues,
        eventBus: data.events.bus,
      });
      if (attached.deadLetterQueue) this.eventDeadLetterQueues[name] = attached.deadLetterQueue;
      this.functions[name] = fn;
    }

    const deadLetterQueues: Record<string, sqs.IQueue> = {};
    for (const queue of Object.keys(queues) as QueueName[]) deadLetterQueues[queue] = data.stores.deadLetterQueues[queue];
    for (const [name, queue] of Object.entries(this.eventDeadLetterQueues)) deadLetterQueues[`${name}Events`] = queue;
    const functions = Object.fromEntries(Object.entries(this.functions).map(([name, fn]) => [name, fn.fn]));
    this.alarms = new GatewayAlarms(this, 'Alarms', {
      stage: config.stage,
      topic: data.alarmTopic.topic,
      deadLetterQueues,
      functions,
      rejectedEvents: data.stores.queues.rejectedEvents,
      carrierErrorThreshold: config.carrierErrorAlarmThreshold,
    });
    this.dashboard = new GatewayDashboard(this, 'Dashboard', { stage: config.stage, functions, deadLetterQueues });

    new CfnOutput(this, 'WebhookBaseUrl', {
      value: this.api.publicUrl,
      description: `Twilio webhooks for ${config.shortCode}: <this>/sms (incoming messages), <this>/sms/status (status callbacks)`,
    });
    new CfnOutput(this, 'ConsoleUrl', { value: `${this.api.publicUrl}/`, description: 'The console (staff sign in at the hosted login)' });
    new CfnOutput(this, 'StaffUserPoolId', { value: this.staffLogin.userPool.userPoolId, description: 'Add staff: aws cognito-idp admin-create-user --user-pool-id <this> --username <email>' });
    if (this.api.domainName) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: this.api.domainName.regionalDomainName,
        description: `DNS: ${config.domainName} CNAME (or Route 53 alias) to this`,
      });
    }
  }

  /** Table names and queue URLs, only for what the spec says the function uses. */
  private dataEnvironment(spec: FunctionSpec, data: DataStack): Record<string, string> {
    const env: Record<string, string> = {};
    for (const { name } of spec.tables) env[tables[name].env] = data.stores.tables[name].tableName;
    // The handler's own default; set here so changing it is a deploy, not a code change.
    if (spec.tables.some((t) => t.name === 'catalog')) env.CATALOG_CACHE_SECONDS = '60';
    for (const queue of spec.sendsTo) env[queues[queue].env] = data.stores.queues[queue].queueUrl;
    // A consumer brings its failed messages back early (ChangeMessageVisibility, part of the event source's grant).
    if (spec.trigger.kind === 'queue') env[queues[spec.trigger.queue].env] = data.stores.queues[spec.trigger.queue].queueUrl;
    for (const queue of spec.peeks?.queues ?? []) env[queues[queue].env] = data.stores.queues[queue].queueUrl;
    for (const queue of spec.peeks?.deadLetters ?? []) env[deadLetterEnv(queue)] = data.stores.deadLetterQueues[queue].queueUrl;
    return env;
  }

  /** Where short links point (the stage's linkBase, else this API's own /l route) and how long they work. */
  private linkEnvironment(config: StageConfig): Record<string, string> {
    return { LINK_BASE: this.linkBase(config), LINK_TTL_DAYS: String(config.linkTtlDays) };
  }

  private linkBase(config: StageConfig): string {
    return config.linkBase ?? `${this.api.publicUrl}/l`;
  }

  /** Identifiers and where to find the token; never the token itself. */
  private twilioEnvironment(config: StageConfig, data: DataStack): Record<string, string> {
    return {
      TWILIO_ACCOUNT_SID: config.twilioAccountSid,
      TWILIO_AUTH_TOKEN_SECRET_ARN: data.twilioAuthToken.secret.secretArn,
      // Signatures are checked against, and status callbacks sent to, this URL.
      PUBLIC_URL: this.api.publicUrl,
      ...(config.messagingServiceSid ? { TWILIO_MESSAGING_SERVICE_SID: config.messagingServiceSid } : {}),
    };
  }
}

/** A carrier-pacing function's queue trigger starts as many invocations as the stage's rate needs, never more. */
export function pacedTrigger(spec: FunctionSpec, config: Pick<StageConfig, 'senderMps'>): FunctionSpec['trigger'] {
  if (!spec.pacesCarrier || spec.trigger.kind !== 'queue') return spec.trigger;
  return { ...spec.trigger, maxConcurrency: senderInstances(config.senderMps) };
}
