import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The Twilio auth token: only its ARN ever reaches a function's environment. */
export class TwilioSecret extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: { removalPolicy: RemovalPolicy }) {
    super(scope, id);
    // The generated value is only a placeholder so no token is ever in code or templates; devops
    // puts the real one in after the first deploy:
    //   aws secretsmanager put-secret-value --secret-id <TwilioAuthTokenSecretArn> --secret-string <token>
    // Later deploys leave that value alone as long as generateSecretString does not change.
    this.secret = new secretsmanager.Secret(this, 'TwilioAuthToken', {
      // No fixed secretName: a deleted secret keeps its name for its recovery window, which would
      // block re-creating a torn-down dev stack. Devops use the TwilioAuthTokenSecretArn output.
      description: 'Twilio auth token (plain string). Placeholder until devops puts the real token in.',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Twilio auth tokens are rotated in the Twilio console (promote the secondary token), which Secrets Manager cannot drive; devops then puts the new token in. Handlers cache it for five minutes only.',
    });
  }
}
