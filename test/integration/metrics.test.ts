import type { SandboxCarrier } from '../../lib/local/sandbox-carrier';

jest.setTimeout(30_000);

const ACCOUNT_SID = `AC${'3'.repeat(32)}`;
const AUTH_TOKEN = 'metrics-it-token';

let carrier: SandboxCarrier;
let lines: string[];
let restore: () => void;

beforeAll(async () => {
  // This file checks what CloudWatch will read, so metrics are on here (jest turns them off elsewhere).
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const { startSandboxCarrier } = await import('../../lib/local/sandbox-carrier');
  carrier = await startSandboxCarrier({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, statusCallbacks: false });
});

beforeEach(() => {
  lines = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  restore = () => (process.stdout.write = write);
});

afterEach(() => restore());

afterAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  await carrier?.close();
});

/** The EMF documents written so far, as CloudWatch would parse them. */
function emf(): Record<string, unknown>[] {
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('metrics the alarms and the dashboard read', () => {
  test('a carrier refusal is counted as CarrierErrors with its Twilio error code, a send as MessagesSent', async () => {
    // Prepare
    const { MeteredCarrier } = await import('../../functions/adapters/metered');
    const { TwilioCarrier } = await import('../../functions/adapters/twilio-carrier');
    const { createTwilioClient } = await import('../../functions/adapters/twilio-client');
    const { metrics } = await import('../../functions/shared/metrics');
    const metered = new MeteredCarrier(new TwilioCarrier(createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: carrier.url })));
    carrier.failNext('+15550009999', { httpStatus: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const message = { to: '+15550009999', from: '55155', body: 'hi', purpose: 'reply' as const };

    // Act
    await expect(metered.send(message)).rejects.toMatchObject({ code: '21610', kind: 'contact-stopped' });
    await metered.send(message);
    metrics.publishStoredMetrics();

    // Assess
    const documents = emf();
    expect(documents).toContainEqual(expect.objectContaining({ CarrierErrors: 1, ErrorCode: '21610' }));
    expect(documents).toContainEqual(expect.objectContaining({ MessagesSent: 1 }));
    const namespaces = documents.flatMap((doc) => (doc._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics.map((m) => m.Namespace));
    expect(new Set(namespaces)).toEqual(new Set(['SmsGateway']));
  });

  test('a send that ended in doubt is counted by how it was resolved', async () => {
    // Prepare
    const { countUncertainSend } = await import('../../functions/adapters/metered');
    const { metrics } = await import('../../functions/shared/metrics');

    // Act
    countUncertainSend('found');
    countUncertainSend('not-found');
    metrics.publishStoredMetrics();

    // Assess
    expect(emf()).toContainEqual(expect.objectContaining({ UncertainSends: 1, Resolution: 'found' }));
    expect(emf()).toContainEqual(expect.objectContaining({ UncertainSends: 1, Resolution: 'not-found' }));
  });

  test('a text turned away by a limit counts as LimitedTexts with the limit, as the opt-in ceiling alarm reads it', async () => {
    // Prepare
    const { countLimitedText } = await import('../../functions/adapters/metered');
    const { metrics } = await import('../../functions/shared/metrics');

    // Act
    countLimitedText('opt-in-ceiling');
    countLimitedText('reply-limit');
    metrics.publishStoredMetrics();

    // Assess
    const documents = emf();
    expect(documents).toContainEqual(expect.objectContaining({ LimitedTexts: 1, Limit: 'opt-in-ceiling' }));
    expect(documents).toContainEqual(expect.objectContaining({ LimitedTexts: 1, Limit: 'reply-limit' }));
    const dimensions = documents
      .filter((doc) => doc.Limit === 'opt-in-ceiling')
      .flatMap((doc) => (doc._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics.flatMap((m) => m.Dimensions.flat()));
    expect(dimensions).toContain('Limit');
  });

  test('every published domain event counts on its funnel metric', async () => {
    // Prepare
    const { MeteredPublisher } = await import('../../functions/adapters/metered');
    const { metrics } = await import('../../functions/shared/metrics');
    const { RecordingPublisher } = await import('../support/recording-publisher');
    const publisher = new MeteredPublisher(new RecordingPublisher());
    const event = (type: 'SubscriberOptedIn' | 'CouponRedeemed', id: string) => ({ type, id, at: new Date().toISOString(), detail: {} });

    // Act
    await publisher.publish([event('SubscriberOptedIn', 'a'), event('SubscriberOptedIn', 'b'), event('CouponRedeemed', 'c')]);
    metrics.publishStoredMetrics();

    // Assess
    // Two data points of 1 (CloudWatch sums them to 2).
    expect(emf()).toContainEqual(expect.objectContaining({ OptIns: [1, 1], CouponsRedeemed: 1 }));
  });
});
