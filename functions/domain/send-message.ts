import { newConversation, outboxEntryOf, type ConsentEvent, type Conversation, type MessagePurpose, type OutboundMessage, type Subscription } from './audience';
import type { Catalog, Program } from './catalog';
import { pruneSendLog } from './frequency-caps';
import { guardMessage } from './marketing-guard';
import {
  CarrierFailure,
  type Carrier,
  type CarrierRecord,
  type CatalogSource,
  type Clock,
  type ConversationStore,
  type Deliveries,
  type DeliveryClaim,
  type EarlierTurnSend,
  type LinkStore,
  type Outbox,
  type Pace,
  type ScheduledSends,
  type SendOptions,
  type SentEffects,
  type SentMessage,
  type TurnClaim,
} from './ports';
import { askQuestion, questionText, questionToRideAlong } from './profile-questions';
import { measureSegments } from './segments';
import { shortenLinks, type LinkSettings } from './short-links';

/** Purposes anyone may receive, whatever their consent: the opt-out confirmation and HELP answers. */
const CONSENT_EXEMPT: ReadonlySet<MessagePurpose> = new Set(['opt-out-confirmation', 'help']);
export const consentExempt = (purpose: MessagePurpose): boolean => CONSENT_EXEMPT.has(purpose);

/**
 * The last-moment consent check. An opt-out confirmation and HELP answers go to anyone; everything
 * else needs a live subscription, so messages queued before a STOP never leave.
 */
export function mayReceive(message: OutboundMessage, conversation: Conversation): boolean {
  if (consentExempt(message.purpose)) return true;
  const { requestedAt } = message;
  if (requestedAt) {
    // Asked for without subscribing: anyone may get it, unless they opted out (of its program) since.
    return !conversation.subscriptions.some((s) => (!message.programId || s.programId === message.programId) && s.status === 'opted-out' && (s.optedOutAt ?? '') > requestedAt);
  }
  if (message.programId) {
    return conversation.subscriptions.some((s) => s.programId === message.programId && s.status === 'subscribed');
  }
  return !conversation.subscriptions.some((s) => s.status === 'opted-out');
}

/** At most this long after an opt-in do messages wait for its confirmation (normally sent within seconds). */
export const CONFIRMATION_WAIT_MS = 5 * 60_000;

/** Never wait for an opt-in confirmation: the confirmation itself, and what anyone is owed. */
const CONFIRMATION_EXEMPT: ReadonlySet<MessagePurpose> = new Set(['opt-in-confirmation', 'opt-out-confirmation', 'help']);

/**
 * The "Welcome back" this message may have to wait for. A subscription that came back after an
 * opt-out is live from the moment the opt-in is committed, but its confirmation is queued a moment
 * later: a message queued before it (a follow-up released, a purchase thanked, meanwhile) and judged
 * once the subscription is live would reach the phone first, straight after "You are unsubscribed".
 * Such a message waits until the confirmation has gone out, at most CONFIRMATION_WAIT_MS after the
 * opt-in, so a confirmation the carrier refused holds nothing back for long.
 */
export function confirmationToWaitFor(message: OutboundMessage, subscription: Subscription | undefined, at: Date): { id: string; until: Date } | undefined {
  const rejoined = subscription?.rejoined;
  if (!rejoined || subscription.status !== 'subscribed' || CONFIRMATION_EXEMPT.has(message.purpose)) return undefined;
  const until = new Date(new Date(rejoined.at).getTime() + CONFIRMATION_WAIT_MS);
  return until.getTime() > at.getTime() ? { id: rejoined.confirmationId, until } : undefined;
}

/**
 * A conversation turn's replies, marked for the sender (OutboundMessage.turn): a reply nobody needs
 * consent for, or one to a subscription live after the turn, whose `subscribedAt` the sender's claim
 * checks instead of reading the conversation again. A reply that would wait for a "Welcome back"
 * still on its way stays unmarked (the sender reads the conversation for it, as for any message).
 */
export function markTurnReplies(replies: OutboundMessage[], after: Subscription[], at: string): OutboundMessage[] {
  return replies.map((reply) => {
    if (consentExempt(reply.purpose)) return { ...reply, turn: {} };
    const subscription = after.find((s) => s.programId === reply.programId);
    if (subscription?.status !== 'subscribed' || !subscription.subscribedAt) return reply;
    if (confirmationToWaitFor(reply, subscription, new Date(at))) return reply;
    return { ...reply, turn: { subscribedAt: subscription.subscribedAt } };
  });
}

/**
 * The carrier's record of our message, when an attempt ended in doubt: a message to the same number
 * with the same text whose SID none of our records knows. Ours by elimination: every message the
 * gateway knows it sent carries its SID in the log.
 */
export function lostSend(message: OutboundMessage, atCarrier: CarrierRecord[], knownSids: ReadonlySet<string>): CarrierRecord | undefined {
  return atCarrier.find((record) => record.body === message.body && !knownSids.has(record.sid));
}

/** Thrown when the message must be tried again later; the queue redelivers it. */
export class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

/** This run's claim ran out before the carrier call: another run may hold the message now. */
class ClaimLost extends RetryLater {}

export interface SendMessageDeps {
  deliveries: Deliveries;
  store: Pick<ConversationStore, 'load' | 'recordOptOuts' | 'subscription'>;
  catalog: CatalogSource;
  scheduled: Pick<ScheduledSends, 'schedule'>;
  outbox: Pick<Outbox, 'enqueueEach'>;
  carrier: Carrier;
  /** The short code's pace, taken per segment right before the carrier call (default: unpaced). */
  pace?: Pace;
  clock: Clock;
  /** Real time in epoch ms, for claims (leases), which never follow the local runtime's settable clock (default Date.now). */
  wallClock?: () => number;
  /** The longest a carrier call may take: a claim must outlast it for the call to start (default 0). */
  carrierTimeoutMs?: number;
  /** Where the carrier reports delivery, given the message's id. */
  statusCallback?: (id: string) => string;
  /** Told how each doubtful attempt was resolved: found at the carrier, or not (then sent again). */
  onUncertain?: (resolution: 'found' | 'not-found') => void;
  /**
   * Short links: each URL of a text goes out as `{base}/{id}`, its record saved before the carrier
   * call (functions/domain/short-links.ts). Unset: texts go as they are.
   */
  links?: { settings: LinkSettings; store: Pick<LinkStore, 'save'> };
}

export type SendResult = 'sent' | 'recovered' | 'duplicate' | 'blocked' | 'deferred' | 'capped' | 'expired' | 'opted-out' | 'rejected';

/** What became of one message of several: its result, or the error that sends it back to the queue. */
export type Settled = { result: SendResult } | { error: unknown };

type Entry = { id: string; message: OutboundMessage };


/** A conversation turn's reply (OutboundMessage.turn): claimed and recorded with its turn's other replies. */
const isTurnReply = (message: OutboundMessage): boolean => message.turn !== undefined;

/** A turn's reply anyone may receive (a HELP answer, an opt-out confirmation): no consent to look up. */
const exemptTurnReply = (message: OutboundMessage): boolean => isTurnReply(message) && consentExempt(message.purpose);

/**
 * One outbound message, exactly once: claim it, check consent and the guard rails at the last
 * moment, hand it to the carrier, and record the carrier's SID together with everything that
 * follows from it. A message whose SID is recorded is never handed over again, whoever redelivers
 * it. When an attempt ends in doubt (a timeout after the carrier may have taken it, or a run that
 * died), the next attempt first looks for it at the carrier and only sends when it is not there.
 * A conversation turn's reply reads no conversation: see `sendTurnReplies`.
 */
export async function sendMessage(id: string, message: OutboundMessage, deps: SendMessageDeps): Promise<SendResult> {
  if (!isTurnReply(message)) return claimAndDeliver(id, message, deps, false);
  const [settled] = await sendTurnReplies([{ id, message }], deps);
  if ('error' in settled!) throw settled.error;
  return settled!.result;
}

/**
 * Consecutive replies of one conversation turn (one send-sms batch holds them in queue order):
 * claimed in one write on their turn's record, handed over in order, and recorded in one write.
 * Consent needs no look: the turn decided them under a live subscription, and a STOP committed since
 * voided the turn's unclaimed replies first (`Deliveries.voidTurns`), which refuses this claim. Every
 * other last-moment rule they pass by their purpose. When the claim is refused (a redelivery, a reply
 * in doubt, a voided turn), nothing was written and each goes the ordinary way, its subscription
 * read, knowing how each reply claimed before stands. Results in order; after an error, the later
 * messages are not handed over (their order must hold).
 */
export async function sendTurnReplies(entries: Entry[], deps: SendMessageDeps): Promise<Settled[]> {
  // Each turn's replies go through their own turn's record first, turn after turn, in order.
  const turns = byTurn(entries);
  if (turns.length > 1) {
    const settled: Settled[] = [];
    for (const turn of turns) {
      if (settled.some((s) => 'error' in s)) settled.push(...turn.map(({ id }) => ({ error: new RetryLater(`message ${id} waits for an earlier message to the same number`) })));
      else settled.push(...(await sendTurnReplies(turn, deps)));
    }
    return settled;
  }
  // A reply's first claim is always its turn's: the ordinary way only follows a refused one, which
  // found the turn's record (so every later delivery is refused too, and the ordinary record rules).
  const together = entries.length > 0 && entries.every(({ id, message }) => isTurnReply(message) && outboxEntryOf(id));
  const claim: TurnClaim = together ? await deps.deliveries.claimTogether(entries) : { claimed: false, earlier: new Map() };
  if (!claim.claimed) return oneByOne(entries, deps, claim.earlier);

  const settled: Settled[] = [];
  const sent: { id: string; message: OutboundMessage; sent: SentMessage }[] = [];
  let consentSettled = true;
  for (const { id, message } of entries) {
    const release = (uncertain: boolean, reason: string) => deps.deliveries.releaseTurnReply(id, message, uncertain, reason);
    if (settled.some((s) => 'error' in s)) {
      // Claimed with the others but not attempted: given back, for its next delivery.
      await release(false, 'not attempted: an earlier message to this number failed').catch(() => undefined);
      settled.push({ error: new RetryLater(`message ${id} waits for an earlier message to the same number`) });
      continue;
    }
    try {
      const claimed: ClaimedDelivery = { kind: 'claimed', uncertain: false, leaseUntil: claim.leaseUntil };
      const result = await deliver(id, message, claimed, deps, { consentSettled: consentSettled || exemptTurnReply(message), record: (record) => void sent.push(record), release });
      settled.push({ result });
      // Refused at the carrier (perhaps opted out there): what follows gets the full checks.
      if (result !== 'sent') consentSettled = false;
    } catch (error) {
      settled.push({ error });
    }
  }
  if (sent.length === 0) return settled;
  const at = deps.clock.now().toISOString();
  try {
    await deps.deliveries.sentTogether(sent, at);
  } catch (error) {
    // Handed over but not on record: in doubt, which the next delivery resolves at the carrier.
    for (const { id, message } of sent) {
      await deps.deliveries.releaseTurnReply(id, message, true, describe(error)).catch(() => undefined);
      settled[entries.findIndex((entry) => entry.id === id)] = { error };
    }
  }
  return settled;
}

/** Consecutive entries of the same turn (the cause of their outbox ids) together; anything else on its own. */
function byTurn(entries: Entry[]): Entry[][] {
  const turns: Entry[][] = [];
  for (const entry of entries) {
    const cause = outboxEntryOf(entry.id)?.causedBy;
    const last = turns.at(-1);
    if (last && cause !== undefined && outboxEntryOf(last[0]!.id)?.causedBy === cause) last.push(entry);
    else turns.push([entry]);
  }
  return turns;
}

/**
 * The ordinary way, one message after the other; after an error the later ones are not attempted.
 * `earlier`: how replies claimed together before stand: sent (done), held by a live claim (later),
 * or in doubt (looked up at the carrier first).
 */
async function oneByOne(entries: Entry[], deps: SendMessageDeps, earlier: ReadonlyMap<string, EarlierTurnSend>): Promise<Settled[]> {
  const settled: Settled[] = [];
  for (const { id, message } of entries) {
    const before = earlier.get(id);
    if (settled.some((s) => 'error' in s) || before === 'busy') {
      settled.push({ error: new RetryLater(before === 'busy' ? `message ${id} is being sent by another run` : `message ${id} waits for an earlier message to the same number`) });
      continue;
    }
    if (before === 'sent') {
      settled.push({ result: 'duplicate' });
      continue;
    }
    try {
      settled.push({ result: await claimAndDeliver(id, message, deps, exemptTurnReply(message), before === 'in-doubt') });
    } catch (error) {
      settled.push({ error });
    }
  }
  return settled;
}

type ClaimedDelivery = Extract<DeliveryClaim, { kind: 'claimed' }>;

/** `inDoubt`: an earlier claim of this message (with its turn's replies) ended without a word: the carrier may have it. */
async function claimAndDeliver(id: string, message: OutboundMessage, deps: SendMessageDeps, consentSettled: boolean, inDoubt = false): Promise<SendResult> {
  const claim = await deps.deliveries.claim(id, message);
  if (claim.kind === 'busy') throw new RetryLater(`message ${id} is being sent by another run`);
  if (claim.kind === 'done') {
    // A redelivery after a crash between recording and queuing what follows: queue it again (idempotent).
    if (claim.next.length > 0) await deps.outbox.enqueueEach(claim.next);
    return 'duplicate';
  }
  return deliver(id, message, inDoubt ? { ...claim, uncertain: true } : claim, deps, { consentSettled });
}

/**
 * A claimed message to the carrier. `consentSettled`: a turn's reply whose consent needs no look
 * (exempt, or checked by its claim): no conversation is read, as no other last-moment rule and no
 * effect of sending applies to it. `record`: the SID is recorded by the caller (with others).
 */
async function deliver(
  id: string,
  message: OutboundMessage,
  claim: ClaimedDelivery,
  deps: SendMessageDeps,
  options: {
    consentSettled: boolean;
    record?: (record: { id: string; message: OutboundMessage; sent: SentMessage }) => void;
    /** Gives the claim back where it was taken (default: the message's own record). */
    release?: (uncertain: boolean, reason: string) => Promise<void>;
  },
): Promise<SendResult> {
  let uncertain = claim.uncertain;
  try {
    const known = options.consentSettled ? undefined : await Promise.all([conversationFor(message, deps), deps.catalog.load()]).then(([conversation, catalog]) => ({ conversation, catalog }));
    const record = async (sent: SentMessage) => {
      if (options.record && !known) options.record({ id, message, sent });
      else await recordSent(id, message, sent, known, deps);
    };
    // The text as the carrier gets it: its URLs as short links, derived from the message's id, so an
    // attempt in doubt looks for exactly what the earlier one handed over. Built (and its links saved)
    // only when needed: after the last-moment checks, or to resolve doubt.
    let outgoing: Promise<OutboundMessage> | undefined;
    const shortened = () => (outgoing ??= deps.links ? shortenLinks(id, message, deps.links.settings, deps.links.store, deps.clock.now()).then((body) => ({ ...message, body })) : Promise.resolve(message));
    if (uncertain) {
      const found = await findLostSend(id, await shortened(), deps);
      deps.onUncertain?.(found ? 'found' : 'not-found');
      if (found) {
        await record(found);
        return 'recovered';
      }
      uncertain = false;
    }
    const unsent = known ? await lastMomentChecks(id, message, known.conversation, known.catalog, deps) : undefined;
    if (unsent) return unsent;
    const sending = await shortened();
    await deps.pace?.take(message.from, carrierSegments(sending));
    // A run that stalled past its claim (a batch answered at its deadline while this run went on, a
    // frozen Lambda woken later) leaves the message to whoever claimed it since, and writes nothing.
    if ((deps.wallClock ?? Date.now)() + (deps.carrierTimeoutMs ?? 0) >= claim.leaseUntil) throw new ClaimLost(`claim on ${id} ran out before the carrier call`);
    uncertain = true;
    const sent = await deps.carrier.send(sending, sendOptions(id, message, deps));
    await record(sent);
    return 'sent';
  } catch (error) {
    if (error instanceof ClaimLost) throw error;
    if (error instanceof CarrierFailure && !['retry-later', 'outcome-unknown'].includes(error.kind)) {
      return refused(id, message, error, deps);
    }
    // Definitely not taken (the carrier said so, or we never got to it): plain retry. Anything else
    // after the attempt began (no answer, or our own write failing after the carrier took it) is doubt.
    const definitelyNotTaken = error instanceof CarrierFailure && error.kind === 'retry-later';
    const release = options.release ?? ((doubt: boolean, reason: string) => deps.deliveries.release(id, message, doubt, reason));
    await release(uncertain && !definitelyNotTaken, describe(error));
    if (error instanceof CarrierFailure) throw new RetryLater(`carrier: ${error.kind} (${error.code})`);
    throw error;
  }
}

/**
 * What the last-moment checks need of the recipient: a program's message, that program's subscription
 * alone (consent, quiet hours, caps and what sending changes are all about it); any other message,
 * the whole conversation.
 */
async function conversationFor(message: OutboundMessage, deps: Pick<SendMessageDeps, 'store'>): Promise<Conversation> {
  if (!message.programId) return deps.store.load(message.to);
  const subscription = await deps.store.subscription(message.to, message.programId);
  return { ...newConversation(message.to), subscriptions: subscription ? [subscription] : [] };
}

/**
 * This message at the carrier, if it is there. Its own record is left out of the known SIDs: a status
 * callback for the attempt in doubt may have put the carrier's SID on it meanwhile (after this run's
 * claim), and that SID is this message's, not another one's.
 */
async function findLostSend(id: string, message: OutboundMessage, deps: SendMessageDeps): Promise<SentMessage | undefined> {
  const [atCarrier, known] = await Promise.all([deps.carrier.recent(message), deps.deliveries.knownSids(message.to, id)]);
  return lostSend(message, atCarrier, known);
}

/**
 * The messages whose delivery status is used, so only they ask the carrier for status callbacks (each
 * callback is an invocation and a write): the opt-in confirmation, which other messages wait for after
 * a rejoin (a callback settles one whose send ended in doubt), and what the funnel counts as delivered
 * or failed, marketing and follow-ups (a late 21610 among them ends the subscription). Replies, HELP,
 * profile questions, receipts and opt-out confirmations go without.
 */
const STATUS_REPORTED: ReadonlySet<MessagePurpose> = new Set(['opt-in-confirmation', 'marketing', 'follow-up']);
export const wantsStatusCallbacks = (purpose: MessagePurpose): boolean => STATUS_REPORTED.has(purpose);

/** The status callback for this message (when its status is used), and the validity left to a time-bound one (whole seconds, at least 1). */
function sendOptions(id: string, message: OutboundMessage, deps: Pick<SendMessageDeps, 'statusCallback' | 'clock'>): SendOptions {
  const left = message.notAfter ? Math.floor((Date.parse(message.notAfter) - deps.clock.now().getTime()) / 1000) : undefined;
  return {
    ...(deps.statusCallback && wantsStatusCallbacks(message.purpose) ? { statusCallback: deps.statusCallback(id) } : {}),
    ...(left !== undefined ? { validitySeconds: Math.max(1, left) } : {}),
  };
}

/** What the message costs of the short code's throughput: its segments, or one for an MMS. */
export function carrierSegments(message: Pick<OutboundMessage, 'body' | 'mediaUrl'>): number {
  if (message.mediaUrl?.length) return 1;
  return Math.max(1, measureSegments(message.body).segments);
}

/** True once a time-bound message's moment has passed: it would arrive too late to mean anything. */
function expired(message: OutboundMessage, at: Date): boolean {
  return message.notAfter !== undefined && at.getTime() >= Date.parse(message.notAfter);
}

/** Consent, the opt-in confirmation, quiet hours and caps: the reason this message does not go out now, after recording it. */
async function lastMomentChecks(
  id: string,
  message: OutboundMessage,
  conversation: Conversation,
  catalog: Catalog,
  deps: SendMessageDeps,
): Promise<SendResult | undefined> {
  const at = deps.clock.now();
  if (!mayReceive(message, conversation)) {
    await deps.deliveries.finish(id, message, 'blocked', 'no consent at the moment of sending', at.toISOString());
    return 'blocked';
  }
  if (expired(message, at)) {
    await deps.deliveries.finish(id, message, 'expired', `too late: not after ${message.notAfter}`, at.toISOString());
    return 'expired';
  }
  const { subscription, program } = subscriptionOf(message, conversation, catalog);
  const confirmation = confirmationToWaitFor(message, subscription, at);
  if (confirmation && (await deps.deliveries.state(message.to, confirmation.id)) === 'waiting') {
    const until = confirmation.until.toISOString();
    await deps.scheduled.schedule([{ id: `${id}:after-opt-in`, dueAt: until, reason: 'opt-in-confirmation', message }]);
    await deps.deliveries.finish(id, message, 'deferred', `waiting for the opt-in confirmation until ${until}`, at.toISOString());
    return 'deferred';
  }
  const guard = guardMessage(message, subscription, program, at);
  if (guard.kind === 'defer' && expired(message, guard.until)) {
    // Quiet hours would carry it past its moment ("lunch today" into tomorrow morning): it never goes.
    await deps.deliveries.finish(id, message, 'expired', `quiet hours until ${guard.until.toISOString()}, past its moment (not after ${message.notAfter})`, at.toISOString());
    return 'expired';
  }
  if (guard.kind === 'defer') {
    const until = guard.until.toISOString();
    await deps.scheduled.schedule([{ id: `${id}:quiet-hours`, dueAt: until, reason: 'quiet-hours', message }]);
    await deps.deliveries.finish(id, message, 'deferred', `quiet hours until ${until}`, at.toISOString());
    return 'deferred';
  }
  if (guard.kind === 'drop') {
    await deps.deliveries.finish(id, message, 'capped', guard.reason, at.toISOString());
    return 'capped';
  }
  return undefined;
}

function subscriptionOf(message: OutboundMessage, conversation: Conversation, catalog: Catalog): { subscription?: Subscription; program?: Program } {
  const subscription = conversation.subscriptions.find((s) => s.programId === message.programId);
  const program = catalog.programs.find((p) => p.programId === message.programId);
  return { ...(subscription ? { subscription } : {}), ...(program ? { program } : {}) };
}

/** Records the carrier's SID with what follows from the send, then queues the question riding along. */
async function recordSent(
  id: string,
  message: OutboundMessage,
  sent: SentMessage,
  known: { conversation: Conversation; catalog: Catalog } | undefined,
  deps: SendMessageDeps,
): Promise<void> {
  const at = deps.clock.now().toISOString();
  const effects = known ? sentEffects(id, message, subscriptionOf(message, known.conversation, known.catalog), at) : {};
  await deps.deliveries.sent(id, message, sent, at, effects);
  if (effects.next?.length) await deps.outbox.enqueueEach(effects.next);
}

/**
 * What a message that went out changes: a marketing message joins the cap log and moves the
 * "every few messages" counter, and when the next profile question is due it rides along as a
 * message of its own; the purchase survey makes the subscription wait for a 1-5.
 */
export function sentEffects(id: string, message: OutboundMessage, target: { subscription?: Subscription; program?: Program }, at: string): SentEffects {
  const { subscription, program } = target;
  const effects: SentEffects = {};
  if (message.survey && message.programId) effects.survey = { programId: message.programId, orderId: message.survey.orderId, askedAt: at };
  if (message.purpose !== 'marketing' || !subscription || !program || subscription.status !== 'subscribed') return effects;
  const counted = { ...subscription, marketingSinceQuestion: subscription.marketingSinceQuestion + 1 };
  const question = questionToRideAlong(counted, program);
  const sentAt = [...pruneSendLog(subscription.marketingSentAt ?? [], new Date(at)), at];
  if (!question) {
    effects.marketing = { programId: program.programId, sentAt, sinceQuestion: counted.marketingSinceQuestion };
    return effects;
  }
  const asked = askQuestion(counted, question, at);
  effects.marketing = { programId: program.programId, sentAt, sinceQuestion: 0, rideAlong: asked.pendingQuestion! };
  effects.next = [
    {
      id: `${id}:question`,
      message: { to: subscription.phone, from: program.shortCode, body: questionText(question), purpose: 'profile-question', programId: program.programId },
    },
  ];
  return effects;
}

async function refused(id: string, message: OutboundMessage, failure: CarrierFailure, deps: SendMessageDeps): Promise<SendResult> {
  const at = deps.clock.now().toISOString();
  const reason = `${failure.code}: ${failure.message}`;
  if (failure.kind !== 'contact-stopped') {
    await deps.deliveries.finish(id, message, 'rejected', reason, at);
    return 'rejected';
  }
  // The opt-out before the outcome: a message finished as opted-out is never tried again, so an
  // opt-out that failed to be recorded after it would be lost for good. When it fails, the message
  // goes back (the carrier did not take it): its next delivery asks again, is refused again, and
  // records the opt-out then.
  try {
    await deps.store.recordOptOuts(carrierOptOuts(message.to, message.from, await deps.store.load(message.to), at));
  } catch (error) {
    await deps.deliveries.release(id, message, false, describe(error));
    throw error;
  }
  await deps.deliveries.finish(id, message, 'opted-out', reason, at);
  return 'opted-out';
}

/** The recipient stopped at the carrier: every live subscription of the number ends, recorded as the carrier's doing. */
export function carrierOptOuts(phone: string, shortCode: string, conversation: Conversation, at: string): ConsentEvent[] {
  return conversation.subscriptions
    .filter((s) => s.status === 'subscribed')
    .map((s) => ({
      phone,
      programId: s.programId,
      action: 'opt-out' as const,
      at,
      source: 'carrier' as const,
      shortCode,
      rawText: 'carrier reported the recipient opted out (stopped)',
    }));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
}
