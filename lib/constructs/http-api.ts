import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface WebhookApiProps {
  stage: string;
  logRetention: logs.RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

/** The HTTP API Twilio calls; routes are added per topology trigger. */
export class WebhookApi extends Construct {
  readonly httpApi: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.httpApi = new apigw.HttpApi(this, 'Api', {
      apiName: `sms-gateway-${props.stage}`,
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // Own $default stage so it gets access logs. No stage throttle on purpose: Twilio does not retry a
    // throttled inbound webhook, so a keyword-campaign spike would silently lose texts.
    this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Twilio webhooks cannot present IAM, JWT or Lambda-authorizer credentials; every handler verifies X-Twilio-Signature (HMAC of URL and body with the auth token) and answers 403 otherwise.',
    });
  }
}
