/** The replaceable stack: functions, webhooks, schedules and rules, and what each is allowed to do. */
import { Match } from 'aws-cdk-lib/assertions';
import { QUEUE_PEEK_ACTIONS, TABLE_WRITE_ACTIONS } from '../../lib/constructs/grants';
import { EVENT_RETRY } from '../../lib/constructs/triggers';
import { deadLetterEnv, functionEntries, queues, tables, type FunctionName, type FunctionSpec, type QueueName, type TableName } from '../../lib/topology';
import { SYNTH_TIMEOUT, idOf, inTemplateOf, synthGateway, type Synthesized } from './gateway-fixture';

jest.setTimeout(SYNTH_TIMEOUT);

let gateway: Synthesized;
beforeAll(() => {
  gateway = synthGateway();
}, SYNTH_TIMEOUT);

/** A data-stack value as the service template writes it (an Fn::ImportValue). */
const imported = (token: string) => inTemplateOf(gateway.service, token);
const functionId = (name: FunctionName) => idOf(gateway.service.functions[name].fn);
const functionProps = (name: FunctionName) => gateway.serviceTemplate.findResources('AWS::Lambda::Function')[functionId(name)].Properties;
const triggers = <K extends FunctionSpec['trigger']['kind']>(kind: K) =>
  functionEntries().flatMap(([fn, spec]) => (spec.trigger.kind === kind ? [{ ...(spec.trigger as Extract<FunctionSpec['trigger'], { kind: K }>), fn }] : []));

/** Every statement of the policies attached to a function's role. */
function statementsOf(name: FunctionName): { Action: string | string[]; Resource: unknown }[] {
  const roleId = idOf(gateway.service.functions[name].role);
  return Object.values(gateway.serviceTemplate.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}
const actionsOn = (name: FunctionName, resource: unknown) =>
  statementsOf(name)
    .filter((s) => JSON.stringify(s.Resource).includes(JSON.stringify(resource)))
    .flatMap((s) => [s.Action].flat());

describe('functions', () => {
  it.each(functionEntries())('%s: nodejs22.x on arm64, traced, own log group with retention, sizes from the topology', (name, spec) => {
    // Act
    const props = functionProps(name);
    const logGroupId = idOf(gateway.service.functions[name].logGroup);
    // Assess
    expect(props).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: spec.timeoutSeconds,
      MemorySize: spec.memoryMb,
      LoggingConfig: { LogGroup: { Ref: logGroupId } },
    });
    gateway.serviceTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: gateway.config.logRetentionDays });
  });

  it.each(functionEntries())('%s: environment holds exactly what its spec uses, Powertools settings included', (name, spec) => {
    // Prepare
    // No NODE_OPTIONS: --enable-source-maps would parse each bundle's source map at every cold start.
    const expected = [
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      ...spec.tables.map((t) => tables[t.name].env),
      ...(spec.tables.some((t) => t.name === 'catalog') ? ['CATALOG_CACHE_SECONDS'] : []),
      ...new Set([...spec.sendsTo, ...(spec.trigger.kind === 'queue' ? [spec.trigger.queue] : [])].map((q) => queues[q].env)),
      ...(spec.publishesEvents ? ['EVENT_BUS_NAME'] : []),
      ...(spec.twilio ? ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN_SECRET_ARN', 'PUBLIC_URL'] : []),
      ...(spec.optInCeiling ? ['OPT_INS_PER_DAY', 'OPT_INS_PER_MINUTE'] : []),
      ...(spec.pacesCarrier ? ['SENDER_INSTANCES', 'SENDER_MPS'] : []),
      ...(spec.shortensLinks ? ['LINK_BASE', 'LINK_TTL_DAYS'] : []),
      ...(spec.servesConsole ? ['CONSOLE_AUTH_CLIENT_ID', 'CONSOLE_AUTH_DOMAIN'] : []),
      ...(spec.measuresCopy ? ['LINK_BASE'] : []),
      ...(spec.plansWaves ? ['SENDER_MPS'] : []),
      ...(spec.peeks?.queues ?? []).map((q) => queues[q].env),
      ...(spec.peeks?.deadLetters ?? []).map(deadLetterEnv),
    ].sort();
    // Act
    const variables = functionProps(name).Environment.Variables;
    // Assess
    expect(Object.keys(variables).sort()).toEqual(expected);
    expect(variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'sms-gateway',
      POWERTOOLS_LOG_LEVEL: gateway.config.logLevel,
      POWERTOOLS_METRICS_NAMESPACE: 'SmsGateway',
    });
    if (spec.optInCeiling) {
      expect(variables).toMatchObject({ OPT_INS_PER_MINUTE: String(gateway.config.optInsPerMinute), OPT_INS_PER_DAY: String(gateway.config.optInsPerDay) });
    }
    if (spec.twilio) {
      expect(variables.TWILIO_ACCOUNT_SID).toBe(gateway.config.twilioAccountSid);
      expect(variables.TWILIO_AUTH_TOKEN_SECRET_ARN).toEqual(imported(gateway.data.twilioAuthToken.secret.secretArn));
      // Without a custom domain: the API endpoint itself, not its stage URL (that would be a cycle).
      expect(variables.PUBLIC_URL).toEqual({ 'Fn::GetAtt': [idOf(gateway.service.api.httpApi), 'ApiEndpoint'] });
    }
    if (spec.shortensLinks || spec.measuresCopy) {
      // No linkBase in the stage: short links point at this API's own GET /l/{id}.
      expect(variables.LINK_BASE).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [idOf(gateway.service.api.httpApi), 'ApiEndpoint'] }, '/l']] });
      if (spec.shortensLinks) expect(variables.LINK_TTL_DAYS).toBe(String(gateway.config.linkTtlDays));
    }
    for (const queue of spec.peeks?.deadLetters ?? []) expect(variables[deadLetterEnv(queue)]).toEqual(imported(gateway.data.stores.deadLetterQueues[queue].queueUrl));
  });

  it("converse, the only function that opens subscriptions, is given the stage's opt-in ceiling", () => {
    // Act
    const withCeiling = functionEntries().filter(([name]) => 'OPT_INS_PER_MINUTE' in functionProps(name).Environment.Variables);
    // Assess
    expect(withCeiling.map(([name]) => name)).toEqual(['converse']);
  });

  it('never puts the Twilio auth token (or anything named like a secret) in an environment', () => {
    // Act
    const names = Object.values(gateway.serviceTemplate.findResources('AWS::Lambda::Function')).flatMap((fn) =>
      Object.keys(fn.Properties.Environment?.Variables ?? {}),
    );
    // Assess
    expect(names).not.toContain('TWILIO_AUTH_TOKEN');
    expect(names.filter((n) => /TOKEN|SECRET|PASSWORD/.test(n) && !n.endsWith('_SECRET_ARN'))).toEqual([]);
  });

  it.each(functionEntries())('%s: IAM grants match its spec and no more', (name, spec) => {
    // Act + Assess
    for (const table of Object.keys(tables) as TableName[]) {
      const access = spec.tables.find((t) => t.name === table);
      const actions = actionsOn(name, imported(gateway.data.stores.tables[table].tableArn));
      if (!access) expect(actions).toEqual([]);
      else if (access.access === 'update') expect(actions).toEqual(['dynamodb:UpdateItem']);
      else expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      for (const write of TABLE_WRITE_ACTIONS) expect(actions.includes(write)).toBe(access?.access === 'readWrite' || (access?.access === 'update' && write === 'dynamodb:UpdateItem'));
      // Least privilege: no batch writes, batch reads, Scan and DeleteItem only where declared.
      expect(actions.filter((a) => a.includes('Batch'))).toEqual(access?.batchReads ? ['dynamodb:BatchGetItem'] : []);
      expect(actions.includes('dynamodb:Scan')).toBe(Boolean(access && (tables[table].readWhole || access.scans)));
      expect(actions.includes('dynamodb:DeleteItem')).toBe(Boolean(access?.deletes));
    }
    for (const queue of Object.keys(queues) as QueueName[]) {
      const actions = actionsOn(name, imported(gateway.data.stores.queues[queue].queueArn));
      expect(actions.includes('sqs:SendMessage')).toBe(spec.sendsTo.includes(queue));
      const consumes = spec.trigger.kind === 'queue' && spec.trigger.queue === queue;
      const peeks = Boolean(spec.peeks?.queues.includes(queue));
      expect(actions.includes('sqs:ReceiveMessage')).toBe(consumes || peeks);
      // Looking is not taking: a function that only peeks can neither delete nor hide a message.
      if (peeks && !consumes) expect(actions.filter((a) => a.startsWith('sqs:')).sort()).toEqual([...QUEUE_PEEK_ACTIONS].sort());
      const deadLetterActions = actionsOn(name, imported(gateway.data.stores.deadLetterQueues[queue].queueArn));
      expect(deadLetterActions.sort()).toEqual(spec.peeks?.deadLetters.includes(queue) ? [...QUEUE_PEEK_ACTIONS].sort() : []);
    }
    expect(actionsOn(name, imported(gateway.data.twilioAuthToken.secret.secretArn)).includes('secretsmanager:GetSecretValue')).toBe(spec.twilio);
    expect(actionsOn(name, imported(gateway.data.events.bus.eventBusArn)).includes('events:PutEvents')).toBe(spec.publishesEvents);
  });

  it('grants table indexes by name, never <table>/index/*', () => {
    // Act
    const resources = JSON.stringify(Object.values(gateway.serviceTemplate.findResources('AWS::IAM::Policy')));
    // Assess
    expect(resources).not.toContain('/index/*');
    expect(resources).toContain('/index/byZone');
  });
});

describe('queue consumers', () => {
  it.each(triggers('queue'))('$fn reads $queue in batches of $batchSize with partial batch failures', (trigger) => {
    // Prepare
    const paced = functionEntries().find(([name]) => name === trigger.fn)![1].pacesCarrier;
    const maxConcurrency = paced ? Match.anyValue() : trigger.maxConcurrency;
    const expected = {
      FunctionName: { Ref: functionId(trigger.fn) },
      EventSourceArn: imported(gateway.data.stores.queues[trigger.queue].queueArn),
      BatchSize: trigger.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: maxConcurrency ? { MaximumConcurrency: maxConcurrency } : Match.absent(),
    };
    // Act + Assess
    gateway.serviceTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', expected);
  });

  it.each([
    { senderMps: undefined, instances: 4, mps: '100' },
    { senderMps: 250, instances: 10, mps: '250' },
    { senderMps: 30, instances: 2, mps: '30' },
  ])('paces the sender to senderMps $senderMps: send-sms runs at most $instances batches at once, each told its share', ({ senderMps, instances, mps }) => {
    // Prepare
    const stage = senderMps === undefined ? gateway : synthGateway({ senderMps }, { bundle: false });
    const sendSms = idOf(stage.service.functions.sendSms.fn);
    // Act
    const variables = stage.serviceTemplate.findResources('AWS::Lambda::Function')[sendSms].Properties.Environment.Variables;
    // Assess
    stage.serviceTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: sendSms },
      ScalingConfig: { MaximumConcurrency: instances },
    });
    expect(variables).toMatchObject({ SENDER_MPS: mps, SENDER_INSTANCES: String(instances) });
  });
});

describe('schedules and rules', () => {
  it.each(triggers('schedule'))('$fn runs on the $name schedule "$expression" with retries and a dead-letter queue', (trigger) => {
    // Prepare
    const dlq = gateway.service.eventDeadLetterQueues[trigger.fn]!;
    // Act + Assess
    gateway.serviceTemplate.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: trigger.expression,
      Description: `${trigger.name} → ${trigger.fn}`,
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId(trigger.fn), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(dlq), 'Arn'] } },
          RetryPolicy: {
            MaximumRetryAttempts: EVENT_RETRY.schedule.retryAttempts,
            MaximumEventAgeInSeconds: EVENT_RETRY.schedule.maxEventAge.toSeconds(),
          },
        }),
      ],
    });
  });

  it('fires lunch-coupons and campaigns every 15 minutes and follow-ups every minute', () => {
    // Act
    const expressions = Object.values(gateway.serviceTemplate.findResources('AWS::Events::Rule')).map(
      (r) => `${r.Properties.Description} @ ${r.Properties.ScheduleExpression}`,
    );
    // Assess
    expect(expressions).toEqual(
      expect.arrayContaining([
        'lunch-coupons → dispatchLunch @ rate(15 minutes)',
        'campaigns → dispatchCampaigns @ rate(15 minutes)',
        'follow-ups → sendFollowUps @ rate(1 minute)',
      ]),
    );
  });

  it('sends PurchaseCompleted from pos on the gateway bus to handle-purchase, with retries and a dead-letter queue', () => {
    gateway.serviceTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: imported(gateway.data.events.bus.eventBusName),
      EventPattern: { source: ['pos'], 'detail-type': ['PurchaseCompleted'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionId('handlePurchase'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(gateway.service.eventDeadLetterQueues.handlePurchase!), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: EVENT_RETRY.rule.retryAttempts, MaximumEventAgeInSeconds: 24 * 3600 },
        }),
      ],
    });
  });

  it.each([...triggers('schedule'), ...triggers('rule')])('$fn sends events it failed on every async retry to its dead-letter queue', (trigger) => {
    gateway.serviceTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId(trigger.fn) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(gateway.service.eventDeadLetterQueues[trigger.fn]!), 'Arn'] } } },
    });
  });
});

describe('HTTP API', () => {
  it.each(triggers('http'))('$method $path invokes $fn', (trigger) => {
    // Prepare
    const fnArn = { 'Fn::GetAtt': [functionId(trigger.fn), 'Arn'] };
    // Act
    const [integrationId] = Object.keys(
      gateway.serviceTemplate.findResources('AWS::ApiGatewayV2::Integration', { Properties: { IntegrationUri: fnArn } }),
    );
    // Assess
    expect(integrationId).toBeDefined();
    gateway.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: `${trigger.method} ${trigger.path}`,
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
    });
    gateway.serviceTemplate.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: fnArn, Principal: 'apigateway.amazonaws.com' });
  });

  it("puts every route that answers with data behind the staff login's JWT authorizer, and no webhook, short link or console file", () => {
    // Prepare
    const routes = Object.values(gateway.serviceTemplate.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties as { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown });
    const [authorizerId] = Object.keys(gateway.serviceTemplate.findResources('AWS::ApiGatewayV2::Authorizer'));
    const staff = triggers('http').filter((t) => t.auth === 'staff').map((t) => `${t.method} ${t.path}`).sort();

    // Act
    const behindLogin = routes.filter((r) => r.AuthorizationType === 'JWT').map((r) => r.RouteKey).sort();

    // Assess
    expect(staff).toEqual(triggers('http').filter((t) => t.path.startsWith('/api/')).map((t) => `${t.method} ${t.path}`).sort());
    expect(behindLogin).toEqual(staff);
    for (const route of routes.filter((r) => r.AuthorizationType === 'JWT')) expect(route.AuthorizerId).toEqual({ Ref: authorizerId });
    gateway.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [Match.anyValue()], Issuer: Match.anyValue() },
    });
  });

  it('signs staff in through a Cognito user pool: admin-created users only, MFA required, threat protection on, a public client with the code flow back to the console', () => {
    // Assess
    gateway.serviceTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      UserPoolTier: 'PLUS',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
    });
    gateway.serviceTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: [Match.anyValue()],
    });
    const consoleEnv = functionProps('consolePage').Environment.Variables;
    expect(Object.keys(consoleEnv)).toEqual(expect.arrayContaining(['CONSOLE_AUTH_DOMAIN', 'CONSOLE_AUTH_CLIENT_ID']));
  });

  it('routes exactly the topology HTTP triggers (the Twilio webhooks, the short links, the console and its API) and logs access on the $default stage', () => {
    // Act
    const routeKeys = Object.values(gateway.serviceTemplate.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    // Assess
    expect(routeKeys.sort()).toEqual(triggers('http').map((t) => `${t.method} ${t.path}`).sort());
    expect(routeKeys).toEqual(expect.arrayContaining(['GET /', 'GET /console/{file}', 'GET /l/{id}', 'POST /sms', 'POST /sms/status', 'GET /api/catalog', 'GET /api/campaigns', 'GET /api/report', 'GET /api/problems']));
    gateway.serviceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
    gateway.serviceTemplate.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    gateway.serviceTemplate.hasOutput('WebhookBaseUrl', { Value: { 'Fn::GetAtt': [idOf(gateway.service.api.httpApi), 'ApiEndpoint'] } });
  });

  describe('with a custom domain and a messaging service (optional config)', () => {
    const messagingServiceSid = `MG${'b2'.repeat(16)}`;
    const domainName = 'sms.example.com';
    const certificateArn = 'arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012';
    let custom: Synthesized;
    beforeAll(() => {
      custom = synthGateway({ domainName, certificateArn, messagingServiceSid }, { bundle: false });
    }, SYNTH_TIMEOUT);

    it('serves the webhooks on https://<domain>, tells Twilio functions so, and closes execute-api', () => {
      // Act
      const template = custom.serviceTemplate;
      const publicUrls = Object.values(template.findResources('AWS::Lambda::Function'))
        .map((fn) => fn.Properties.Environment.Variables.PUBLIC_URL)
        .filter(Boolean);
      // Assess
      expect(publicUrls).toHaveLength(functionEntries().filter(([, spec]) => spec.twilio).length);
      expect(new Set(publicUrls)).toEqual(new Set([`https://${domainName}`]));
      const linkBases = Object.values(template.findResources('AWS::Lambda::Function')).map((fn) => fn.Properties.Environment.Variables.LINK_BASE).filter(Boolean);
      expect(new Set(linkBases)).toEqual(new Set([`https://${domainName}/l`]));
      template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
        DomainName: domainName,
        DomainNameConfigurations: [Match.objectLike({ CertificateArn: certificateArn, SecurityPolicy: 'TLS_1_2' })],
      });
      template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { DomainName: { Ref: idOf(custom.service.api.domainName!) } });
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
      template.hasOutput('WebhookBaseUrl', { Value: `https://${domainName}` });
      template.hasOutput('CustomDomainTarget', { Value: Match.anyValue() });
    });

    it('hands the messaging service SID to the Twilio functions only', () => {
      // Act
      const sids = Object.values(custom.serviceTemplate.findResources('AWS::Lambda::Function')).map(
        (fn) => fn.Properties.Environment.Variables.TWILIO_MESSAGING_SERVICE_SID,
      );
      // Assess
      expect(sids.filter(Boolean)).toEqual(functionEntries().filter(([, spec]) => spec.twilio).map(() => messagingServiceSid));
    });
  });
});
