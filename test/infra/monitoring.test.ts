/** Alarms that page a person, and the dashboard that shows the customer loop. */
import { Match } from 'aws-cdk-lib/assertions';
import {
  CARRIER_ERRORS_METRIC,
  FUNNEL_METRICS,
  INBOUND_MESSAGES_METRIC,
  KEYWORDS_METRIC,
  LIMITED_TEXTS_METRIC,
  MESSAGES_SENT_METRIC,
} from '../../functions/shared/metric-names';
import { functionEntries, queues, type QueueName } from '../../lib/topology';
import { SYNTH_TIMEOUT, idOf, inTemplateOf, synthGateway, type Synthesized } from './gateway-fixture';

jest.setTimeout(SYNTH_TIMEOUT);

let gateway: Synthesized;
beforeAll(() => {
  gateway = synthGateway({}, { bundle: false });
}, SYNTH_TIMEOUT);

const alarms = () => Object.values(gateway.serviceTemplate.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
const queueDepthAlarmsFor = (queueName: unknown) =>
  alarms().filter(
    (a) =>
      a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
      JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: queueName }]),
  );

describe('alarms', () => {
  it.each(Object.keys(queues) as QueueName[])('%s dead-letter queue: any message visible raises an alarm', (queue) => {
    // Prepare
    const dlq = gateway.data.stores.deadLetterQueues[queue];
    // Act
    const found = queueDepthAlarmsFor(inTemplateOf(gateway.service, dlq.queueName));
    // Assess
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Maximum' });
  });

  it('event dead-letter queues (schedules, rules) raise an alarm too', () => {
    // Prepare
    const eventDlqs = Object.values(gateway.service.eventDeadLetterQueues);
    // Assess
    expect(eventDlqs).toHaveLength(functionEntries().filter(([, s]) => s.trigger.kind === 'schedule' || s.trigger.kind === 'rule').length);
    for (const dlq of eventDlqs) {
      expect(queueDepthAlarmsFor({ 'Fn::GetAtt': [idOf(dlq), 'QueueName'] })).toHaveLength(1);
    }
  });

  it('anything in the rejected-events queue raises an alarm', () => {
    const found = queueDepthAlarmsFor(inTemplateOf(gateway.service, gateway.data.stores.queues.rejectedEvents.queueName));
    expect(found).toHaveLength(1);
    expect(found[0].Threshold).toBe(0);
  });

  it.each(functionEntries().map(([name]) => name))('%s: errors and throttles each raise an alarm', (name) => {
    // Prepare
    const dimensions = [{ Name: 'FunctionName', Value: { Ref: idOf(gateway.service.functions[name].fn) } }];
    // Act
    const metrics = alarms()
      .filter((a) => a.Namespace === 'AWS/Lambda' && JSON.stringify(a.Dimensions) === JSON.stringify(dimensions))
      .map((a) => `${a.MetricName} ${a.Statistic} > ${a.Threshold}`);
    // Assess
    expect(metrics.sort()).toEqual(['Errors Sum > 0', 'Throttles Sum > 0']);
  });

  it('carrier errors summed over all codes for 5 minutes above the configured threshold raise an alarm', () => {
    gateway.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike({ Expression: `SELECT SUM(${CARRIER_ERRORS_METRIC}) FROM "SmsGateway"`, Period: 300, ReturnData: true })],
      Threshold: gateway.config.carrierErrorAlarmThreshold,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('any text turned away at the opt-in ceiling in 5 minutes raises an alarm', () => {
    gateway.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'sms-gateway-test-optInCeiling',
      Metrics: [Match.objectLike({ Expression: `SELECT SUM(${LIMITED_TEXTS_METRIC}) FROM "SmsGateway" WHERE Limit = 'opt-in-ceiling'`, Period: 300, ReturnData: true })],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('every alarm notifies the one alarm topic (and says so when it clears)', () => {
    // Prepare
    const topic = inTemplateOf(gateway.service, gateway.data.alarmTopic.topic.topicArn);
    // Act
    const all = alarms();
    // Assess
    expect(all.length).toBe(gateway.service.alarms.alarms.length);
    for (const alarm of all) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });
});

/** The metric-math expressions of every dashboard widget (tokens in the body read as "TOKEN"). */
function dashboardExpressions(): string[] {
  const [dashboard] = Object.values(gateway.serviceTemplate.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  const widgets: { properties: { metrics?: unknown[][] } }[] = JSON.parse(text).widgets;
  return widgets
    .flatMap((widget) => (widget.properties.metrics ?? []).flat())
    .flatMap((entry) => (entry && typeof entry === 'object' && 'expression' in entry ? [String(entry.expression)] : []));
}

describe('dashboard', () => {
  const charts = (metric: string) => dashboardExpressions().some((e) => e.includes(`Namespace="SmsGateway" MetricName="${metric}"`));

  it.each(Object.entries(FUNNEL_METRICS))('charts the %s funnel metric (%s)', (_event, metric) => {
    expect(charts(metric)).toBe(true);
  });

  it.each([INBOUND_MESSAGES_METRIC, KEYWORDS_METRIC, MESSAGES_SENT_METRIC, CARRIER_ERRORS_METRIC, LIMITED_TEXTS_METRIC])('charts %s', (metric) => {
    expect(charts(metric)).toBe(true);
  });

  it('is named after the stage', () => {
    gateway.serviceTemplate.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'sms-gateway-test' });
  });
});
