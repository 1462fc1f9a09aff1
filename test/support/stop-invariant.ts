/**
 * What a phone must (and must not) have received around its opt-outs, judged only from what it
 * received, in order, and from what it texted, in order. The demo program's wording is matched
 * literally, so a message that changes its kind (a coupon dressed as a HELP answer) is caught.
 */

/** What a received message is, to the person holding the phone. */
export type ReceivedKind = 'opt-out-confirmation' | 'opt-in-confirmation' | 'help' | 'other';

const OPT_OUT_CONFIRMATION = /^You are unsubscribed from Krusty Burger Rewards and will receive no more messages\. Reply START to resubscribe\.$/;
const OPT_IN_CONFIRMATION = /^(?:Welcome to Krusty Burger Rewards! .*|Krusty Burger Rewards: Welcome back! .*) Msg&data rates may apply\. Reply HELP for help, STOP to cancel\.$/;
const HELP_ANSWER = /^Krusty Burger Rewards: Help at support@krustyburger\.example or 1-800-555-0199\. Up to 4 msgs\/wk\. Msg&data rates may apply\. Reply STOP to cancel\.$/;

export function receivedKind(body: string): ReceivedKind {
  if (OPT_OUT_CONFIRMATION.test(body)) return 'opt-out-confirmation';
  if (OPT_IN_CONFIRMATION.test(body)) return 'opt-in-confirmation';
  if (HELP_ANSWER.test(body)) return 'help';
  return 'other';
}

/** What a text the phone sent does to its consent. */
export type ConsentEffect = 'opt-in' | 'opt-out' | 'none';

/**
 * The opt-out consequence of each text: STOP and the ways of saying it end the subscription; the
 * keyword and START open it (START too, from a number that never joined: the short code has one
 * program). Everything else (HELP, a ZIP, chatter, a rating) leaves consent as it is.
 */
export function consentEffect(text: string): ConsentEffect {
  if (['STOP', 'please stop', 'ＳＴＯＰ'].includes(text)) return 'opt-out';
  if (['KRUSTY', 'START'].includes(text)) return 'opt-in';
  return 'none';
}

/**
 * How many opt-out confirmations the phone is owed: one for each opt-out text handled while the
 * number had a live subscription, and one for a number that never joined (the strict reading: it is
 * recorded as opted out of every program); none for a repeated opt-out.
 */
export function confirmationsOwed(textsInOrder: readonly string[]): number {
  let state: 'never-joined' | 'subscribed' | 'opted-out' = 'never-joined';
  let owed = 0;
  for (const text of textsInOrder) {
    const effect = consentEffect(text);
    if (effect === 'opt-in') state = 'subscribed';
    if (effect === 'opt-out') {
      if (state !== 'opted-out') owed += 1;
      state = 'opted-out';
    }
  }
  return owed;
}

/**
 * Every way the received messages break the opt-out rules, in words (empty when they keep them):
 * from the moment an opt-out confirmation is received until an opt-in confirmation is received,
 * nothing but HELP answers (and the confirmations of further opt-outs, which the count checks)
 * may arrive; and the number of opt-out confirmations is exactly the number owed.
 */
export function stopViolations(textsInOrder: readonly string[], receivedInOrder: readonly string[]): string[] {
  const violations: string[] = [];
  let optedOutAt: number | undefined;
  receivedInOrder.forEach((body, index) => {
    const kind = receivedKind(body);
    if (kind === 'opt-in-confirmation') optedOutAt = undefined;
    else if (kind === 'opt-out-confirmation') optedOutAt ??= index;
    else if (kind !== 'help' && optedOutAt !== undefined) {
      violations.push(`message #${index + 1} "${body}" arrived after the opt-out confirmation #${optedOutAt + 1} and before any opt-in confirmation`);
    }
  });
  const owed = confirmationsOwed(textsInOrder);
  const got = receivedInOrder.filter((body) => receivedKind(body) === 'opt-out-confirmation').length;
  if (got !== owed) violations.push(`${got} opt-out confirmation(s) received, ${owed} owed`);
  return violations;
}
