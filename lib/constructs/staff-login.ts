import { Aws, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface StaffLoginProps {
  stage: string;
  /** Where the console is served (the API's own URL or its custom domain): the login returns there. */
  consoleUrl: string;
  removalPolicy: RemovalPolicy;
}

/**
 * Who may use the console in AWS: a Cognito user pool of the brand's staff (created by an admin, no
 * self sign-up, MFA required, threat protection on), its hosted login page, and a JWT authorizer every `auth: 'staff'` route
 * of the HTTP API sits behind. The console signs in with the authorization-code flow and PKCE (a
 * public client: no secret in the browser) and sends the access token as a bearer token.
 */
export class StaffLogin extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** The hosted login's base URL, e.g. https://sms-gateway-prod-123456789012.auth.us-east-1.amazoncognito.com. */
  readonly domainUrl: string;
  readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: StaffLoginProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Staff', {
      userPoolName: `sms-gateway-${props.stage}-staff`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised credentials, risky sign-ins) acts, not only reports: a few staff
      // users on the Plus plan cost cents a month.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy: props.removalPolicy,
    });
    const consoleUrl = `${props.consoleUrl}/`;
    this.client = this.userPool.addClient('Console', {
      generateSecret: false,
      preventUserExistenceErrors: true,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });
    // A prefix unique to the stage and account (hosted domains are global per region).
    const domain = this.userPool.addDomain('Login', { cognitoDomain: { domainPrefix: Fn.join('-', ['sms-gateway', props.stage, Aws.ACCOUNT_ID]) } });
    this.domainUrl = domain.baseUrl();
    this.authorizer = new HttpJwtAuthorizer('StaffAuthorizer', `https://cognito-idp.${Aws.REGION}.amazonaws.com/${this.userPool.userPoolId}`, {
      // Access tokens carry the app client in client_id, which the authorizer checks when there is no aud.
      jwtAudience: [this.client.userPoolClientId],
      authorizerName: `sms-gateway-${props.stage}-staff`,
    });
  }
}
