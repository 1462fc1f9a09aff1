import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CARRIER_ERRORS_METRIC,
  FUNNEL_METRICS,
  INBOUND_MESSAGES_METRIC,
  KEYWORDS_METRIC,
  LIMITED_TEXTS_METRIC,
  MESSAGES_SENT_METRIC,
  METRICS_NAMESPACE,
} from '../../functions/shared/metric-names';

export interface GatewayDashboardProps {
  stage: string;
  functions: Record<string, lambda.IFunction>;
  deadLetterQueues: Record<string, sqs.IQueue>;
}

const period = Duration.minutes(5);

/**
 * A metric summed over every dimension set it is emitted with: SEARCH matches by name, so the chart
 * does not break when the emitter adds a dimension (Powertools adds `service`).
 */
function total(metricName: string, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SUM(SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${metricName}"', 'Sum', ${period.toSeconds()}))`,
    label,
    period,
    usingMetrics: {},
  });
}

/** The customer loop stage by stage, the carrier's side, and the plumbing's health, on one page. */
export class GatewayDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: GatewayDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `sms-gateway-${props.stage}` });
    const funnel = Object.entries(FUNNEL_METRICS).map(([event, metric]) => total(metric, `${metric} (${event})`));
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Customer loop (per 5 min)', left: funnel, width: 24 }),
      new cloudwatch.GraphWidget({
        title: 'Messages',
        left: [
          total(INBOUND_MESSAGES_METRIC, 'Inbound messages'),
          total(KEYWORDS_METRIC, 'Keywords received'),
          total(MESSAGES_SENT_METRIC, 'Messages sent'),
        ],
        right: [total(CARRIER_ERRORS_METRIC, 'Carrier errors')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Carrier errors by code',
        // One line per ErrorCode: 21610 is opt-outs, 30003/30005 bad numbers, 429 our own pace.
        left: [new cloudwatch.MathExpression({
          expression: `SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${CARRIER_ERRORS_METRIC}"', 'Sum', ${period.toSeconds()})`,
          label: '',
          period,
          usingMetrics: {},
        })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Texts turned away by a limit',
        // One line per Limit: own-number, short-code-sender, country-not-allowed, reply-limit, opt-in-ceiling.
        left: [new cloudwatch.MathExpression({
          expression: `SEARCH('Namespace="${METRICS_NAMESPACE}" MetricName="${LIMITED_TEXTS_METRIC}"', 'Sum', ${period.toSeconds()})`,
          label: '',
          period,
          usingMetrics: {},
        })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: Object.entries(props.functions).map(([name, fn]) => fn.metricErrors({ period, statistic: 'Sum', label: name })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues (messages)',
        left: Object.entries(props.deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: name }),
        ),
        width: 12,
      }),
    );
  }
}
