import type { Conversation, MessagePurpose, OutboundMessage, Subscription } from '../../functions/domain/audience';
import { newConversation, newSubscription } from '../../functions/domain/audience';
import { lostSend, mayReceive } from '../../functions/domain/send-message';
import { translateTwilioError } from '../../functions/adapters/twilio-carrier';

const PHONE = '+15551234567';
const PROGRAM_ID = 'krusty-burger';

describe('Twilio errors in the channel\'s neutral words', () => {
  test.each([
    ['21610 opted out at the carrier', 400, 21610, 'contact-stopped'],
    ['21610 even on a 5xx', 500, 21610, 'contact-stopped'],
    ['429 too many requests', 429, 20429, 'retry-later'],
    ['429 without a code', 429, undefined, 'retry-later'],
    ['500 server error', 500, undefined, 'retry-later'],
    ['503 service unavailable', 503, 20503, 'retry-later'],
    ['502 bad gateway', 502, undefined, 'retry-later'],
    ['401 bad credentials (a token being rotated): retried, not lost', 401, 20003, 'retry-later'],
    ['30003 unreachable handset', 400, 30003, 'unreachable'],
    ['30005 unknown destination', 400, 30005, 'unreachable'],
    ['30006 landline or unreachable carrier', 400, 30006, 'unreachable'],
    ['21211 invalid To number', 400, 21211, 'rejected'],
    ['21408 permission to send to region not enabled', 400, 21408, 'rejected'],
    ['404 without a code', 404, undefined, 'rejected'],
  ] as const)('%s (HTTP %d, code %s) → %s', (_case, status, code, expected) => {
    // Prepare
    const restError = { status, code, message: 'from Twilio' };
    // Act
    const failure = translateTwilioError(restError);
    // Assess
    expect(failure.kind).toBe(expected);
    expect(failure.code).toBe(String(code ?? status));
  });

  test.each([
    ['connection refused: never arrived', 'ECONNREFUSED', 'retry-later'],
    ['unknown host: never arrived', 'ENOTFOUND', 'retry-later'],
    ['timeout: Twilio may have the message', 'ECONNABORTED', 'outcome-unknown'],
    ['connection reset: Twilio may have the message', 'ECONNRESET', 'outcome-unknown'],
    ['socket hang up', 'ERR_SOCKET_HANG_UP', 'outcome-unknown'],
  ] as const)('no HTTP answer, %s (%s) → %s', (_case, code, expected) => {
    // Prepare
    const networkError = Object.assign(new Error('network'), { code });
    // Act
    const failure = translateTwilioError(networkError);
    // Assess
    expect(failure.kind).toBe(expected);
  });
});

function message(purpose: MessagePurpose, programId: string | null = PROGRAM_ID): OutboundMessage {
  return { to: PHONE, from: '55155', body: 'text', purpose, ...(programId ? { programId } : {}) };
}

function conversationWith(...subscriptions: Partial<Subscription>[]): Conversation {
  const conversation = newConversation(PHONE);
  conversation.subscriptions = subscriptions.map((s) => ({ ...newSubscription(PHONE, s.programId ?? PROGRAM_ID), version: 1, ...s }));
  return conversation;
}

const stranger = () => newConversation(PHONE);
const subscribed = () => conversationWith({ status: 'subscribed' });
const optedOut = () => conversationWith({ status: 'opted-out' });
const subscribedElsewhereOnly = () => conversationWith({ programId: 'squishee', status: 'subscribed' });
const mixed = () => conversationWith({ status: 'opted-out' }, { programId: 'squishee', status: 'subscribed' });

describe('mayReceive', () => {
  test.each([
    ['opt-out-confirmation', 'a stranger', stranger],
    ['opt-out-confirmation', 'a subscriber', subscribed],
    ['opt-out-confirmation', 'someone who opted out', optedOut],
    ['help', 'a stranger', stranger],
    ['help', 'a subscriber', subscribed],
    ['help', 'someone who opted out', optedOut],
  ] as const)('a %s message always goes out, to %s', (purpose, _who, conversation) => {
    // Prepare
    const outbound = message(purpose);
    // Act
    const allowed = mayReceive(outbound, conversation());
    // Assess
    expect(allowed).toBe(true);
  });

  const consentNeeded: MessagePurpose[] = ['opt-in-confirmation', 'reply', 'profile-question', 'marketing'];

  test.each(
    consentNeeded.flatMap((purpose) => [
      [purpose, 'a subscriber of the program', true, subscribed],
      [purpose, 'a stranger', false, stranger],
      [purpose, 'someone who opted out of the program', false, optedOut],
      [purpose, 'a subscriber of another program only', false, subscribedElsewhereOnly],
      [purpose, 'someone who left the program but stays in another', false, mixed],
    ] as const),
  )('a %s message for the program to %s: %s', (purpose, _who, expected, conversation) => {
    // Prepare
    const outbound = message(purpose);
    // Act
    const allowed = mayReceive(outbound, conversation());
    // Assess
    expect(allowed).toBe(expected);
  });

  test('a message queued before STOP is blocked once the opt-out is recorded', () => {
    // Prepare
    const queued = message('marketing');
    const before = subscribed();
    const after = optedOut();
    // Act
    const beforeStop = mayReceive(queued, before);
    const afterStop = mayReceive(queued, after);
    // Assess
    expect(beforeStop).toBe(true);
    expect(afterStop).toBe(false);
  });

  test.each([
    ['a stranger', true, stranger],
    ['a subscriber', true, subscribed],
    ['someone with any opt-out', false, mixed],
  ] as const)('a reply without a program to %s: %s', (_who, expected, conversation) => {
    // Prepare
    const outbound = message('reply', null);
    // Act
    const allowed = mayReceive(outbound, conversation());
    // Assess
    expect(allowed).toBe(expected);
  });
});

describe('lostSend: resolving a send that ended in doubt', () => {
  const ours = message('reply');
  const known = new Set(['SM-known']);
  test.each([
    ['the carrier has it under a SID we never recorded: it went out', [{ sid: 'SM-lost', status: 'queued', body: 'text' }], 'SM-lost'],
    ['the only match is a message we know (an earlier identical reply): not ours, send again', [{ sid: 'SM-known', status: 'delivered', body: 'text' }], undefined],
    ['other texts only: send again', [{ sid: 'SM-other', status: 'delivered', body: 'another text' }], undefined],
    ['nothing at the carrier: send again', [], undefined],
  ] as const)('%s', (_case, atCarrier, expected) => {
    // Act
    const found = lostSend(ours, [...atCarrier], known);
    // Assess
    expect(found?.sid).toBe(expected);
  });
});
