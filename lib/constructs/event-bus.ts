import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/** The gateway's custom bus (POS purchases in, domain events out) and an archive of all of it. */
export class GatewayEventBus extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;

  constructor(scope: Construct, id: string, props: { stage: string; archiveRetentionDays: number }) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `sms-gateway-${props.stage}` });
    // Every event on the bus, so a purchase a broken deploy dropped can be replayed to the rule once
    // fixed (EventBridge "Start replay"). An archive needs a pattern; the account matches everything.
    this.archive = this.bus.archive('Archive', {
      archiveName: `sms-gateway-${props.stage}`,
      description: `All events on sms-gateway-${props.stage}, for replay`,
      eventPattern: { account: [Stack.of(this).account] },
      retention: Duration.days(props.archiveRetentionDays),
    });
  }
}
