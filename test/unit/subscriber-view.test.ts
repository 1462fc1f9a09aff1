import { phoneOfRef, subscriberRef, threadOf } from '../../functions/domain/subscriber-view';
import { refusedUnlessStaff } from '../../functions/handlers/console-api-responses';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

describe('subscriber refs', () => {
  test.each([
    ['+15555550100', '+15555550100'],
    ['(555) 555-0100', '+15555550100'],
    ['555.555.0100', '+15555550100'],
    ['hello', undefined],
    ['55155', undefined],
    ['', undefined],
  ])('the ref of %j names %j', (typed, phone) => {
    // Act + Assess
    expect(phoneOfRef(Buffer.from(typed).toString('base64url'))).toBe(phone);
  });

  test.each(['a/b', 'x'.repeat(65), '+15555550100', '%2B1'])('%j is not a ref', (ref) => {
    // Act + Assess
    expect(phoneOfRef(ref)).toBeUndefined();
  });

  test('a number goes there and back', () => {
    // Act + Assess
    expect(phoneOfRef(subscriberRef('+447700900123'))).toBe('+447700900123');
  });
});

describe('the thread', () => {
  test('oldest first, a text before its replies, replies from their own record or their turn, unsent ones marked', () => {
    // Prepare
    const at = '2026-11-23T15:00:00.000Z';
    const sent = '2026-11-23T15:00:01.000Z';
    // Act
    const thread = threadOf({
      inbound: [{ messageSid: 'SMa', at, body: 'KRUSTY', replies: [{ body: 'Welcome' }, { body: 'ZIP?' }, { body: 'not yet' }] }],
      turns: new Map([['SMa', { '0': { sid: 'SM1', sentAt: sent, carrierStatus: 'delivered' }, '1': { sid: 'SM2', sentAt: sent } }]]),
      outbound: [
        { id: 'lunch-1', body: 'Coupon', mediaUrl: ['https://example.com/a.png'], status: 'sent', sid: 'SM3', sentAt: '2026-11-24T15:30:00.000Z', createdAt: '2026-11-24T15:29:59.000Z' },
        { id: 'promo-1', body: 'Late', status: 'expired', reason: 'after lunch', createdAt: '2026-11-24T12:00:00.000Z', finishedAt: '2026-11-24T19:00:00.000Z' },
      ],
    });
    // Assess
    expect(thread.map((m) => [m.direction, m.body, m.status, m.sent])).toEqual([
      ['in', 'KRUSTY', 'received', false],
      ['out', 'not yet', 'pending', false],
      ['out', 'Welcome', 'delivered', true],
      ['out', 'ZIP?', 'sent', true],
      ['out', 'Coupon', 'sent', true],
      ['out', 'Late', 'expired', false],
    ]);
    expect(thread[4]!.mediaUrl).toEqual(['https://example.com/a.png']);
    expect(thread[5]!.reason).toBe('after lunch');
  });
});

describe('who the console API answers', () => {
  const event = (authorizer?: unknown) => ({ requestContext: { ...(authorizer ? { authorizer } : {}) } }) as unknown as APIGatewayProxyEventV2;
  afterEach(() => {
    delete process.env.LOCAL_GATEWAY;
  });

  test.each([
    ['AWS, no authorizer in front', undefined, undefined, 401],
    ['AWS, a JWT authorizer let it through', undefined, { jwt: { claims: { sub: 'staff-1' } } }, undefined],
    ['the local gateway', 'true', undefined, undefined],
  ])('%s', (_case, local, authorizer, status) => {
    // Prepare
    if (local) process.env.LOCAL_GATEWAY = local;
    // Act
    const refused = refusedUnlessStaff(event(authorizer));
    // Assess
    expect(refused?.statusCode).toBe(status);
  });
});
