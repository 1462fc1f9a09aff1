import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CARRIER_ERRORS_METRIC, LIMITED_TEXTS_METRIC, LIMIT_DIMENSION, METRICS_NAMESPACE } from '../../functions/shared/metric-names';

export interface GatewayAlarmsProps {
  stage: string;
  topic: sns.ITopic;
  /** Every dead-letter queue, by a name people recognise. */
  deadLetterQueues: Record<string, sqs.IQueue>;
  functions: Record<string, lambda.IFunction>;
  /** POS events that failed validation: each one is a purchase someone has to look at. */
  rejectedEvents: sqs.IQueue;
  carrierErrorThreshold: number;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * Pages on what needs a person: anything in a dead-letter queue or the rejected-events queue (a
 * message the system gave up on), a function failing or being throttled, and the carrier refusing
 * messages in bulk (a suspended short code or bad copy looks like this first).
 */
export class GatewayAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, private readonly props: GatewayAlarmsProps) {
    super(scope, id);
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      this.notEmpty(`${name}DeadLetters`, queue, `${name} dead-letter queue has messages: they were given up on; inspect, fix, then redrive.`);
    }
    this.notEmpty('rejectedEvents', props.rejectedEvents, 'POS events failed validation (reason in each message): a purchase went unrecorded.');

    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}Errors`, fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), 0, `${name} threw (see its log group).`);
      this.add(`${name}Throttles`, fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), 0, `${name} was throttled: account concurrency is exhausted.`);
    }

    // Summed over every ErrorCode (and whatever default dimensions the emitter adds) with a Metrics
    // Insights query: alarms cannot use SEARCH, and a plain metric would need its exact dimensions.
    const carrierErrors = new cloudwatch.MathExpression({
      expression: `SELECT SUM(${CARRIER_ERRORS_METRIC}) FROM "${METRICS_NAMESPACE}"`,
      label: 'Carrier errors (all codes)',
      period: FIVE_MINUTES,
      usingMetrics: {},
    });
    this.add('carrierErrors', carrierErrors, props.carrierErrorThreshold, `More than ${props.carrierErrorThreshold} messages refused by the carrier in 5 minutes.`);

    // Any text turned away at the opt-in ceiling: a flood of new numbers, or a campaign bigger than the
    // stage's optInsPerMinute/optInsPerDay (then raise them): either way someone should look.
    const optInCeiling = new cloudwatch.MathExpression({
      expression: `SELECT SUM(${LIMITED_TEXTS_METRIC}) FROM "${METRICS_NAMESPACE}" WHERE ${LIMIT_DIMENSION} = 'opt-in-ceiling'`,
      label: 'Opt-ins turned away at the ceiling',
      period: FIVE_MINUTES,
      usingMetrics: {},
    });
    this.add('optInCeiling', optInCeiling, 0, 'New numbers were turned away at the opt-in ceiling (no subscription, no reply): a flood of numbers, or a campaign bigger than optInsPerMinute/optInsPerDay.');
  }

  private notEmpty(id: string, queue: sqs.IQueue, description: string): void {
    const depth = queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' });
    this.add(id, depth, 0, description);
  }

  /** Fires when the metric goes above the threshold in one 5-minute period; no data is fine. */
  private add(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `sms-gateway-${this.props.stage}-${id}`,
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.props.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
