import {
  newSubscription,
  outboxEntryId,
  type ConsentEvent,
  type Conversation,
  type MessagePurpose,
  type OutboundMessage,
  type ParkedPurchase,
  type PhoneRecord,
  type Subscription,
} from './audience';
import { type Catalog, type Program, programsOnShortCode, rewardOffer, welcomeOffer } from './catalog';
import { classify } from './classify';
import type { DomainEvent, DomainEventType, MessageSource } from './events';
import { helpReply, optInConfirmation, optOutConfirmation, withOptOutHint } from './compliance';
import { countryAllowed, takeReplySlot, unanswerableSender, type Limit } from './limits';
import { effectiveZone, zoneOf } from './lunch';
import { answerPendingQuestion, askQuestion, nextQuestion, questionText } from './profiling';
import { sweepstakesStage, sweepstakesText, takeEntry, type Sweepstakes, type SweepstakesEntrant, type SweepstakesEntry } from './sweepstakes';
import { renderTemplate, type TemplateName } from './templates';

export interface InboundText {
  messageSid: string;
  from: string;
  to: string;
  body: string;
  receivedAt: string;
}

export type OutcomeKind =
  | 'opted-out'
  | 'help'
  | 'opted-in'
  | 'already-subscribed'
  | 'answered'
  | 'fallback'
  | 'entered'
  | 'not-entered'
  | 'shared'
  | 'ignored';

/** Everything one inbound text changes; the adapter writes it in one transaction. */
/** What the use case looked up or made up for this text before the pure decision. */
export interface ConverseContext {
  /** A fresh, random code to give a subscriber who has none yet. */
  newReferralCode?: string;
  /** The owner of the referral code the text carried after the keyword, when there is one. */
  referrer?: { phone: string; programId: string; code: string };
  /** The short code's opt-in ceiling for this minute or day is reached: nobody new joins now. */
  optInCeilingReached?: boolean;
}

/** A friend joined with a referral code: the referrer may earn a reward. */
export interface CompletedReferral {
  referrerPhone: string;
  friendPhone: string;
  programId: string;
  code: string;
}

/**
 * A profile answer that earns its question's reward: issued after the commit, from the inbound log
 * item (so a redelivery after a crash issues it too), once per subscriber and question.
 */
export interface EarnedReward {
  phone: string;
  programId: string;
  /** The question answered: the reward's once-only period. */
  field: string;
  offerId: string;
  /** The subscriber's zone as the answer leaves it (the coupon's dates are shown in it). */
  timeZone: string;
}

export interface Outcome {
  kind: OutcomeKind;
  /** Coupons profile answers earned, issued once the text is committed. */
  rewards?: EarnedReward[];
  /** Referral codes given out by this text: the store makes sure each is unique. */
  referralCodes?: { code: string; phone: string; programId: string }[];
  referral?: CompletedReferral;
  /** The limit that kept this text from the reply (or the subscription) it would otherwise have got. */
  limitedBy?: Limit;
  replies: OutboundMessage[];
  events: DomainEvent[];
  consentEvents: ConsentEvent[];
  subscriptions: Subscription[];
  phone?: PhoneRecord;
  /** Purchases that waited for a subscription this text makes live: followed up once it is committed. */
  parked?: ParkedPurchase[];
  /** A sweepstakes entry this text makes, and the entrant's record after it: written in the same commit. */
  entry?: { entry: SweepstakesEntry; entrant: SweepstakesEntrant };
}

class Turn {
  readonly replies: OutboundMessage[] = [];
  readonly consentEvents: ConsentEvent[] = [];
  readonly events: DomainEvent[] = [];
  readonly changed = new Map<string, Subscription>();

  referralCodes: NonNullable<Outcome['referralCodes']> = [];
  referral?: CompletedReferral;
  readonly rewards: EarnedReward[] = [];
  entry?: Outcome['entry'];

  constructor(
    readonly inbound: InboundText,
    readonly conversation: Conversation,
    readonly programs: Program[],
    readonly catalogProgramIds: ReadonlySet<string>,
    readonly context: ConverseContext,
  ) {}

  subscription(programId: string): Subscription {
    return (
      this.changed.get(programId) ??
      this.conversation.subscriptions.find((s) => s.programId === programId) ??
      newSubscription(this.inbound.from, programId)
    );
  }

  save(subscription: Subscription): void {
    this.changed.set(subscription.programId, subscription);
  }

  reply(program: Program | undefined, body: string, purpose: MessagePurpose, image?: string, source?: MessageSource): void {
    this.replies.push({
      to: this.inbound.from,
      from: this.inbound.to,
      body,
      purpose,
      ...(program ? { programId: program.programId } : {}),
      ...(image ? { mediaUrl: [image] } : {}),
      ...(source ? { source } : {}),
    });
  }

  event(type: DomainEventType, programId: string, detail: Record<string, unknown> = {}): void {
    this.events.push({
      type,
      id: `${this.inbound.messageSid}:${type}:${programId}`,
      at: this.inbound.receivedAt,
      detail: { phone: this.inbound.from, programId, ...detail },
    });
  }

  /** `via`: the keyword or alias an opt-in texted and its placement (default: the program's keyword). */
  consent(program: OptOutTarget, action: ConsentEvent['action'], via?: JoinedWith): void {
    const keyword = via?.keyword ?? program.keyword;
    const placement = via?.placement;
    this.event(action === 'opt-in' ? 'SubscriberOptedIn' : 'SubscriberOptedOut', program.programId, {
      shortCode: this.inbound.to,
      ...(action === 'opt-in' && keyword ? { keyword, ...(placement ? { placement } : {}) } : {}),
    });
    this.consentEvents.push({
      phone: this.inbound.from,
      programId: program.programId,
      action,
      at: this.inbound.receivedAt,
      source: 'sms',
      shortCode: this.inbound.to,
      rawText: this.inbound.body,
      ...(keyword ? { keyword } : {}),
      ...(action === 'opt-in' && placement ? { placement } : {}),
      messageSid: this.inbound.messageSid,
    });
  }

  /** Nothing happens beyond recording the text, because of `limit`. */
  limited(limit: Limit): Outcome {
    return { ...this.outcome('ignored'), limitedBy: limit };
  }

  /**
   * A HELP or "already subscribed" reply, within the program's replyLimitPerHour for this number;
   * beyond it the text is recorded and not answered, so a loop or a prankster cannot make us spend.
   */
  limitedReply(program: Program, body: string, purpose: MessagePurpose, kind: OutcomeKind): Outcome {
    const phone = takeReplySlot(this.conversation.phone, program.replyLimitPerHour, this.inbound.receivedAt);
    if (!phone) return this.limited('reply-limit');
    this.reply(program, body, purpose);
    return this.outcome(kind, phone);
  }

  outcome(kind: OutcomeKind, phone?: PhoneRecord): Outcome {
    const { subscriptions, parked } = this.written();
    return {
      kind,
      replies: this.replies,
      events: this.events,
      consentEvents: this.consentEvents,
      subscriptions,
      ...(phone ? { phone } : {}),
      ...(this.referralCodes.length ? { referralCodes: this.referralCodes } : {}),
      ...(this.referral ? { referral: this.referral } : {}),
      ...(parked.length ? { parked } : {}),
      ...(this.rewards.length ? { rewards: this.rewards } : {}),
      ...(this.entry ? { entry: this.entry } : {}),
    };
  }

  /**
   * The subscriptions this text writes, each over what its key holds. A new one where purchases are
   * parked replaces their placeholder at the version it was loaded with (a purchase parked since makes
   * the commit fail, and the text is decided again). A subscription live after this text hands its
   * parked purchases over to be followed up; any other keeps them.
   */
  private written(): { subscriptions: Subscription[]; parked: ParkedPurchase[] } {
    const parked: ParkedPurchase[] = [];
    const subscriptions = [...this.changed.values()].map((changed) => {
      const placeholder = changed.version === 0 ? this.conversation.placeholders?.find((p) => p.programId === changed.programId) : undefined;
      const subscription = placeholder ? { ...changed, version: placeholder.version, parked: placeholder.parked } : changed;
      if (subscription.status !== 'subscribed' || !subscription.parked) return subscription;
      parked.push(...subscription.parked);
      const { parked: _handedOver, ...live } = subscription;
      return live;
    });
    return { subscriptions, parked };
  }
}

function template(program: Program, name: TemplateName, extra: Record<string, string> = {}): string {
  return renderTemplate(program.templates[name], {
    programName: program.name,
    brandName: program.brandName,
    keyword: program.keyword,
    ...extra,
  });
}

/** The program a HELP or chatter is about: the latest one joined on this short code, else the first. */
function currentProgram(turn: Turn): Program | undefined {
  const joined = turn.conversation.subscriptions
    .filter((s) => s.status === 'subscribed')
    .sort((a, b) => (b.subscribedAt ?? '').localeCompare(a.subscribedAt ?? ''));
  for (const subscription of joined) {
    const program = turn.programs.find((p) => p.programId === subscription.programId);
    if (program) return program;
  }
  return turn.programs[0];
}

type OptOutTarget = Pick<Program, 'programId' | 'name' | 'keyword'>;

/** The keyword or alias an opt-in texted, and where it is advertised. */
type JoinedWith = NonNullable<Subscription['joinedWith']>;

/** The word a keyword text matched, with its placement when the catalog names one. */
function joinedWith(program: Program, matched: string): JoinedWith {
  const placement = program.placements[matched];
  return { keyword: matched, ...(placement ? { placement } : {}) };
}

/**
 * STOP must work even when a marketer broke a program's catalog item: live subscriptions whose
 * program is missing from the catalog are ended too, named by their id.
 */
function optOutAllTargets(turn: Turn): OptOutTarget[] {
  const orphans = turn.conversation.subscriptions
    .filter((s) => s.status === 'subscribed' && !turn.catalogProgramIds.has(s.programId))
    .map((s) => ({ programId: s.programId, name: s.programId, keyword: '' }));
  return [...turn.programs, ...orphans];
}

function optOut(turn: Turn, targets: OptOutTarget[]): Outcome {
  const left = targets.filter((program) => turn.subscription(program.programId).status !== 'opted-out' || turn.subscription(program.programId).version === 0);
  for (const program of left) {
    turn.save({ ...turn.subscription(program.programId), status: 'opted-out', optedOutAt: turn.inbound.receivedAt, pendingQuestion: undefined });
    turn.consent(program, 'opt-out');
  }
  // A repeated STOP changes nothing and earns no second confirmation.
  if (left.length === 0) return turn.outcome('ignored');
  turn.reply(undefined, optOutConfirmation(left.map((p) => p.name)), 'opt-out-confirmation');
  return turn.outcome('opted-out');
}

/**
 * `via`: the keyword or alias texted (absent for START, UNSTOP and YES, which name the program's
 * keyword and no placement). It goes on the subscription (`joinedWith`), the consent ledger and
 * SubscriberOptedIn.
 */
function join(turn: Turn, program: Program, via?: JoinedWith): Outcome {
  const current = turn.subscription(program.programId);
  if (current.status === 'subscribed') return turn.limitedReply(program, template(program, 'already-subscribed'), 'reply', 'already-subscribed');
  const offer = current.welcomeOfferSentAt ? undefined : welcomeOffer(program);
  const intro = offer ? template(program, 'welcome', { offer: offer.copy }) : template(program, 'welcome-back');
  // No referral code yet: a subscriber gets one the first time it is shown (see surveyAnswer), so an
  // opt-in writes no code item. One who had a code keeps it.
  let joined: Subscription = {
    ...current,
    status: 'subscribed',
    subscribedAt: turn.inbound.receivedAt,
    joinedWith: via ?? { keyword: program.keyword },
    ...(offer ? { welcomeOfferSentAt: turn.inbound.receivedAt } : {}),
  };
  const referrer = turn.context.referrer;
  if (referrer && referrer.programId === program.programId && referrer.phone !== turn.inbound.from) {
    turn.referral = { referrerPhone: referrer.phone, friendPhone: turn.inbound.from, programId: program.programId, code: referrer.code };
  }
  turn.consent(program, 'opt-in', via);
  // Back after an opt-out: what is queued ahead of this confirmation waits for it (send-message).
  if (current.version > 0 && current.status === 'opted-out') {
    joined = { ...joined, rejoined: { at: turn.inbound.receivedAt, confirmationId: outboxEntryId(turn.inbound.messageSid, turn.replies.length) } };
  }
  // The first welcome (the one with the offer) may carry the welcome template's image.
  turn.reply(program, optInConfirmation(intro, program), 'opt-in-confirmation', offer ? program.templateMedia.welcome : undefined);
  const question = nextQuestion(joined, program);
  if (question) {
    joined = askQuestion(joined, question, turn.inbound.receivedAt);
    turn.reply(program, questionText(question), 'profile-question');
  }
  turn.save(joined);
  return turn.outcome('opted-in');
}

function optBackIn(turn: Turn): Outcome {
  const optedOut = turn.programs.filter((p) => {
    const subscription = turn.subscription(p.programId);
    return subscription.version > 0 && subscription.status === 'opted-out';
  });
  const targets = optedOut.length > 0 ? optedOut : turn.programs.length === 1 ? turn.programs : [];
  if (targets.length === 0) return chatter(turn);
  let outcome = turn.outcome('ignored');
  for (const program of targets) outcome = join(turn, program);
  return outcome;
}

/**
 * A sweepstakes keyword: while it is open, an entry within the day's allowance is recorded and
 * confirmed ("No purchase necessary", the end date, the rules); beyond it, "already entered today";
 * outside its dates, "not open yet" or "closed". Entering subscribes nobody and re-subscribes nobody:
 * a number without a live subscription gets the reply alone, and once ever per program (never after
 * an opt-out) a line on how to join. The replies go to anyone who asked (OutboundMessage.requestedAt),
 * "already entered" and "closed" within the program's replyLimitPerHour.
 */
function enter(turn: Turn, program: Program, sweepstakes: Sweepstakes): Outcome {
  const at = turn.inbound.receivedAt;
  const stage = sweepstakesStage(sweepstakes, new Date(at));
  const reply = (body: string): OutboundMessage => ({ to: turn.inbound.from, from: turn.inbound.to, body, purpose: 'sweepstakes-reply', programId: program.programId, requestedAt: at });
  const limited = (body: string): Outcome => {
    const phone = takeReplySlot(turn.conversation.phone, program.replyLimitPerHour, at);
    if (!phone) return turn.limited('reply-limit');
    turn.replies.push(reply(body));
    return turn.outcome('not-entered', phone);
  };
  if (stage !== 'open') return limited(sweepstakesText(program, sweepstakes, stage === 'closed' ? 'sweepstakes-closed' : 'sweepstakes-not-open'));
  const entrant = turn.conversation.entrants?.find((e) => e.programId === program.programId && e.sweepstakesId === sweepstakes.sweepstakesId);
  const taken = takeEntry(sweepstakes, entrant, turn.inbound.from, at);
  if (!taken.entered) return limited(sweepstakesText(program, sweepstakes, 'sweepstakes-already-entered'));

  turn.entry = {
    entrant: taken.entrant,
    entry: { programId: program.programId, sweepstakesId: sweepstakes.sweepstakesId, phone: turn.inbound.from, enteredAt: at, localDate: taken.entrant.entriesOn, messageSid: turn.inbound.messageSid },
  };
  turn.event('SweepstakesEntered', program.programId, { sweepstakesId: sweepstakes.sweepstakesId, localDate: taken.entrant.entriesOn });
  const subscription = turn.subscription(program.programId);
  const neverJoined = subscription.version === 0 && !turn.conversation.subscriptions.some((s) => s.programId === program.programId);
  const phone = turn.conversation.phone;
  const hint = neverJoined && !(phone.joinHintsFor ?? []).includes(program.programId);
  const confirmation = sweepstakesText(program, sweepstakes, 'sweepstakes-entered');
  turn.replies.push(reply(hint ? `${confirmation} ${sweepstakesText(program, sweepstakes, 'sweepstakes-join-hint')}` : confirmation));
  return turn.outcome('entered', hint ? { ...phone, joinHintsFor: [...(phone.joinHintsFor ?? []), program.programId] } : undefined);
}

function answer(turn: Turn, pending: Subscription): Outcome {
  const program = turn.programs.find((p) => p.programId === pending.programId)!;
  const result = answerPendingQuestion(pending, program, turn.inbound.body)!;
  turn.save(result.subscription);
  if (result.kind === 'stored') {
    const field = pending.pendingQuestion!.field;
    turn.reply(program, template(program, 'profile-thanks'), 'reply');
    turn.event('ProfileAnswered', program.programId, { field, profile: result.subscription.profile });
    // The coupon the question promised ("…and get a free shake"): issued after the commit, once.
    const reward = rewardOffer(program, program.questions.find((q) => q.field === field) ?? {});
    if (reward) turn.rewards.push({ phone: pending.phone, programId: program.programId, field, offerId: reward.offerId, timeZone: effectiveZone(zoneOf(result.subscription), program) });
  }
  if (result.kind === 'skipped') turn.reply(program, template(program, 'profile-skipped'), 'reply');
  if (result.kind === 'retry') {
    const retry = template(program, 'profile-retry', { prompt: questionText(result.question), example: result.question.example });
    turn.reply(program, retry, 'profile-question');
  }
  return turn.outcome('answered');
}

/** A 1-5 rating as people type it: "4", "5!", "5 stars", "4/5", "3 out of 5". */
const RATING = /^\s*([1-5])\s*(\/\s*5|out of 5|stars?)?\W*$/i;

/** How long a survey or feedback request waits for its answer; after that a "3" is just a "3". */
const SURVEY_ANSWER_HOURS = 48;

type Waiting = { subscription: Subscription; what: 'feedback' | 'survey' | 'question'; askedAt: string };

/** What the subscriber's text most likely answers: the latest thing we asked that still waits. */
function waitingFor(turn: Turn): Waiting | undefined {
  const oldest = new Date(new Date(turn.inbound.receivedAt).getTime() - SURVEY_ANSWER_HOURS * 3_600_000).toISOString();
  const waiting: Waiting[] = [];
  for (const subscription of turn.conversation.subscriptions) {
    if (subscription.status !== 'subscribed' || !turn.programs.some((p) => p.programId === subscription.programId)) continue;
    const { pendingFeedback, pendingSurvey, pendingQuestion } = subscription;
    if (pendingFeedback && pendingFeedback.askedAt >= oldest) waiting.push({ subscription, what: 'feedback', askedAt: pendingFeedback.askedAt });
    if (pendingSurvey && pendingSurvey.askedAt >= oldest && RATING.test(turn.inbound.body)) {
      waiting.push({ subscription, what: 'survey', askedAt: pendingSurvey.askedAt });
    }
    if (pendingQuestion) waiting.push({ subscription, what: 'question', askedAt: pendingQuestion.askedAt });
  }
  return waiting.sort((a, b) => b.askedAt.localeCompare(a.askedAt))[0];
}

/** A click-to-post link whose text carries the subscriber's own referral code. */
function shareUrl(program: Program, subscription: Subscription): string {
  const text = renderTemplate(program.templates['share-text'], {
    programName: program.name,
    brandName: program.brandName,
    keyword: program.keyword,
    shortCode: program.shortCode,
    referralCode: subscription.referralCode ?? '',
  });
  // Sentence punctuation at the end is encoded too, so the URL never ends in a "." a reader (or the
  // short-link rewriter) would take for the end of the sentence.
  return `https://x.com/intent/post?text=${encodeURIComponent(text).replace(/[.!?)]+$/, (tail) => [...tail].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join(''))}`;
}

/** 4-5: a review and share request; 1-3: an apology and a request for feedback. */
function surveyAnswer(turn: Turn, subscription: Subscription): Outcome {
  const program = turn.programs.find((p) => p.programId === subscription.programId)!;
  const rating = Number(RATING.exec(turn.inbound.body)![1]);
  const { orderId } = subscription.pendingSurvey!;
  const happy = rating >= 4;
  // The share text is where a subscriber first sees a referral code: it is given out here, once.
  const fresh = turn.context.newReferralCode;
  const newCode = happy && !subscription.referralCode ? fresh : undefined;
  if (newCode) turn.referralCodes.push({ code: newCode, phone: subscription.phone, programId: program.programId });
  const answered: Subscription = { ...subscription, ...(newCode ? { referralCode: newCode } : {}) };
  turn.save({
    ...answered,
    pendingSurvey: undefined,
    ...(happy ? {} : { pendingFeedback: { orderId, rating, askedAt: turn.inbound.receivedAt } }),
  });
  // The plain "KRUSTY <code>" too, so a friend can just text it; the sender shortens both links.
  if (happy) {
    const values = { reviewUrl: program.reviewUrl ?? '', shareUrl: shareUrl(program, answered), shortCode: program.shortCode, referralCode: answered.referralCode ?? '' };
    turn.reply(program, template(program, 'review-request', values), 'reply', undefined, { kind: 'review-request' });
  } else {
    turn.reply(program, template(program, 'feedback-request'), 'reply');
  }
  turn.event('SurveyAnswered', program.programId, { orderId, rating });
  return turn.outcome('answered');
}

/**
 * SHARE, INVITE or REFER from a live subscriber: their own invitation to pass on, the plain
 * "KRUSTY <code>" and a click-to-post link, giving them a referral code if they have none yet (the
 * way a happy survey answer does). Within the program's replyLimitPerHour, like HELP. A number with
 * no live subscription on the short code gets what any other text gets (the stranger's fallback on
 * how to join, once a day; nothing after an opt-out), and no code.
 */
function share(turn: Turn): Outcome {
  const live = turn.conversation.subscriptions
    .filter((s) => s.status === 'subscribed' && turn.programs.some((p) => p.programId === s.programId))
    .sort((a, b) => (b.subscribedAt ?? '').localeCompare(a.subscribedAt ?? ''))[0];
  if (!live) return chatter(turn);
  const program = turn.programs.find((p) => p.programId === live.programId)!;
  turn.event('ShareRequested', program.programId);
  const phone = takeReplySlot(turn.conversation.phone, program.replyLimitPerHour, turn.inbound.receivedAt);
  if (!phone) return turn.limited('reply-limit');
  const newCode = live.referralCode ? undefined : turn.context.newReferralCode;
  const subscriber: Subscription = newCode ? { ...live, referralCode: newCode } : live;
  if (newCode) {
    turn.referralCodes.push({ code: newCode, phone: live.phone, programId: program.programId });
    turn.save(subscriber);
  }
  const body = template(program, 'share-invite', { shortCode: program.shortCode, referralCode: subscriber.referralCode ?? '', shareUrl: shareUrl(program, subscriber) });
  turn.reply(program, body, 'reply', undefined, { kind: 'share' });
  return turn.outcome('shared', phone);
}

function feedbackAnswer(turn: Turn, subscription: Subscription): Outcome {
  const program = turn.programs.find((p) => p.programId === subscription.programId)!;
  const { orderId, rating } = subscription.pendingFeedback!;
  turn.save({ ...subscription, pendingFeedback: undefined });
  turn.reply(program, template(program, 'feedback-thanks'), 'reply');
  turn.event('SurveyAnswered', program.programId, { orderId, rating, feedback: turn.inbound.body.trim().slice(0, 1000) });
  return turn.outcome('answered');
}

/**
 * Texts that mention stopping without clearly opting out ("stop by later?") get the fallback, which
 * says how to opt out, even after the day's one fallback: up to this many a UTC day, so a sender
 * who keeps saying such things cannot make the gateway loop.
 */
export const STOP_HINTS_PER_DAY = 3;

function chatter(turn: Turn, mentionsStop = false): Outcome {
  const waiting = waitingFor(turn);
  if (waiting?.what === 'feedback') return feedbackAnswer(turn, waiting.subscription);
  if (waiting?.what === 'survey') return surveyAnswer(turn, waiting.subscription);
  // "Can't stop eating your fries" is not taken as a profile answer: the fallback says how to opt out.
  if (waiting?.what === 'question' && !mentionsStop) return answer(turn, waiting.subscription);

  const onThisCode = turn.conversation.subscriptions.filter((s) => turn.programs.some((p) => p.programId === s.programId));
  const onlyOptedOut = onThisCode.length > 0 && onThisCode.every((s) => s.status === 'opted-out');
  const program = currentProgram(turn);
  if (onlyOptedOut || !program) return turn.outcome('ignored');

  // One fallback a day per number, so a chatty sender cannot make the gateway loop or spend money;
  // a subscriber's stop-like texts get a few more, since they may be trying to leave.
  const today = turn.inbound.receivedAt.slice(0, 10);
  const phone = turn.conversation.phone;
  const subscribed = onThisCode.some((s) => s.status === 'subscribed');
  const stopHint = subscribed && mentionsStop;
  const stopHintsToday = phone.stopHintsOn === today ? (phone.stopHintsThatDay ?? 0) : 0;
  if (phone.lastFallbackOn === today && !(stopHint && stopHintsToday < STOP_HINTS_PER_DAY)) return turn.outcome('ignored');
  turn.reply(program, subscribed ? withOptOutHint(template(program, 'fallback')) : template(program, 'fallback-stranger'), 'reply');
  return turn.outcome('fallback', {
    ...phone,
    lastFallbackOn: today,
    ...(stopHint ? { stopHintsOn: today, stopHintsThatDay: stopHintsToday + 1 } : {}),
  });
}

/**
 * A number from a country no program on the short code allows gets no reply and joins nothing. Its
 * opt-out is still honoured (recorded like any other); it is confirmed only when we were texting that
 * number (a live subscription here), so nobody can make the gateway text premium numbers abroad.
 */
function fromAbroad(turn: Turn, optOutTargets: OptOutTarget[] | undefined): Outcome {
  if (!optOutTargets) return turn.limited('country-not-allowed');
  const wasTexting = turn.conversation.subscriptions.some((s) => s.status === 'subscribed' && optOutTargets.some((p) => p.programId === s.programId));
  const outcome = optOut(turn, optOutTargets);
  return wasTexting ? outcome : { ...outcome, replies: [], limitedBy: 'country-not-allowed' };
}

/** Decides what one inbound text means and what it changes. Pure: no I/O, no clock. */
export function converse(inbound: InboundText, conversation: Conversation, catalog: Catalog, context: ConverseContext = {}): Outcome {
  const outcome = decide(inbound, conversation, catalog, context);
  // Beyond the opt-in ceiling nobody joins and nobody is answered: answering is what a flood costs.
  if (context.optInCeilingReached && outcome.consentEvents.some((event) => event.action === 'opt-in')) {
    const limited = newTurn(inbound, conversation, catalog, context).limited('opt-in-ceiling');
    // The keyword was still texted (a billboard was read): only what joining would have done is held back.
    return { ...limited, events: outcome.events.filter((event) => event.type === 'KeywordReceived') };
  }
  return outcome;
}

function newTurn(inbound: InboundText, conversation: Conversation, catalog: Catalog, context: ConverseContext): Turn {
  return new Turn(inbound, conversation, programsOnShortCode(catalog, inbound.to), new Set(catalog.programs.map((p) => p.programId)), context);
}

function decide(inbound: InboundText, conversation: Conversation, catalog: Catalog, context: ConverseContext): Outcome {
  const turn = newTurn(inbound, conversation, catalog, context);
  const programs = turn.programs;
  // Never answer a machine or ourselves, whatever it says, and change no consent for it.
  const unanswerable = unanswerableSender(inbound, catalog);
  if (unanswerable) return turn.limited(unanswerable);
  const hasOptOut = conversation.subscriptions.some(
    (s) => s.status === 'opted-out' && s.version > 0 && programs.some((p) => p.programId === s.programId),
  );
  const sweepstakes = programs.flatMap((program) => program.sweepstakes);
  const intent = classify(inbound.body, programs, { hasOptOut }, sweepstakes);

  if (!countryAllowed(inbound.from, programs)) {
    if (intent.kind === 'opt-out-all') return fromAbroad(turn, optOutAllTargets(turn));
    if (intent.kind === 'opt-out-program') return fromAbroad(turn, programs.filter((p) => p.programId === intent.programId));
    return fromAbroad(turn, undefined);
  }

  switch (intent.kind) {
    case 'opt-out-all':
      return optOut(turn, optOutAllTargets(turn));
    case 'opt-out-program':
      return optOut(turn, programs.filter((p) => p.programId === intent.programId));
    case 'help': {
      const program = currentProgram(turn);
      if (!program) return turn.outcome('ignored');
      // Published whether or not the reply limit lets the answer go: it says what was asked.
      const everJoined = turn.conversation.subscriptions.some((s) => s.programId === program.programId && s.subscribedAt);
      turn.event('HelpRequested', program.programId, { stranger: !everJoined });
      return turn.limitedReply(program, helpReply(program), 'help', 'help');
    }
    case 'opt-in':
      return optBackIn(turn);
    case 'keyword': {
      const program = programs.find((p) => p.programId === intent.programId)!;
      const via = joinedWith(program, intent.matched);
      // Every keyword text (a join, a rejoin, a repeat), whatever a limit then holds back.
      const subscribed = turn.subscription(program.programId).status === 'subscribed';
      turn.event('KeywordReceived', program.programId, { ...via, subscribed });
      return join(turn, program, via);
    }
    case 'share':
      return share(turn);
    case 'sweepstakes': {
      const program = programs.find((p) => p.programId === intent.programId)!;
      return enter(turn, program, program.sweepstakes.find((s) => s.sweepstakesId === intent.sweepstakesId)!);
    }
    case 'other':
      return chatter(turn, intent.mentionsStop === true);
  }
}
