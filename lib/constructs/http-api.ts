import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface WebhookApiProps {
  stage: string;
  logRetention: logs.RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  /** Serve the webhooks on https://<domainName> with this (same-region) ACM certificate. */
  customDomain?: { domainName: string; certificateArn: string };
}

/** The HTTP API Twilio calls (and subscribers' short links lead to); routes are added per topology trigger. */
export class WebhookApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly domainName?: apigw.DomainName;
  /**
   * The base URL Twilio is configured with and signs requests against. The API's own endpoint (not
   * its stage URL) keeps function → API references acyclic: the stage depends on the routes.
   */
  readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.httpApi = new apigw.HttpApi(this, 'Api', {
      apiName: `sms-gateway-${props.stage}`,
      createDefaultStage: false,
      // With a custom domain Twilio signs https://<domain>/..., so a request through execute-api could
      // never pass the signature check anyway: close that door.
      disableExecuteApiEndpoint: Boolean(props.customDomain),
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // Own $default stage so it gets access logs. No stage throttle on purpose: Twilio does not retry a
    // throttled inbound webhook, so a keyword-campaign spike would silently lose texts.
    const stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });

    if (props.customDomain) {
      this.domainName = new apigw.DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      });
      new apigw.ApiMapping(this, 'Mapping', { api: this.httpApi, domainName: this.domainName, stage });
      this.publicUrl = `https://${props.customDomain.domainName}`;
    } else {
      this.publicUrl = this.httpApi.apiEndpoint;
    }

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Twilio webhooks cannot present IAM, JWT or Lambda-authorizer credentials; every webhook handler verifies X-Twilio-Signature (HMAC of URL and body with the auth token) and answers 403 otherwise. GET /l/{id} is public by design: subscribers tap short links in their texts; its ids are 46-bit HMAC-derived (unguessable), it only redirects to a URL the gateway itself sent, and an unknown id gets a 404 page. GET / and GET /console/{file} serve the console\'s static files, which hold no data (its data comes from the /api routes).',
    });
  }
}
