import type { Subscription, Profile } from './audience';
import type { Program, ProfileQuestion } from './catalog';
import { parseBirthday, parseEmail, parseMeal, parseYesNo, parseZip, type ProfileField } from './profile-answers';

export type AnswerOutcome =
  | { kind: 'stored'; subscription: Subscription }
  | { kind: 'retry'; subscription: Subscription; question: ProfileQuestion }
  | { kind: 'skipped'; subscription: Subscription };

export { askQuestion, nextQuestion, questionText, questionToRideAlong } from './profile-questions';

/** How many re-asks an invalid answer gets before the question is dropped. */
export const MAX_REASKS = 2;

function parseAnswer(question: ProfileQuestion, text: string): Partial<Profile> | undefined {
  switch (question.field) {
    case 'zip': {
      const result = parseZip(text);
      return result.ok ? { zip: result.value.zip, zip4: result.value.zip4, state: result.value.state, timeZone: result.value.timeZone } : undefined;
    }
    case 'birthday': {
      const result = parseBirthday(text);
      return result.ok ? { birthday: result.value.monthDay } : undefined;
    }
    case 'email': {
      const result = parseEmail(text);
      return result.ok ? { email: result.value } : undefined;
    }
    case 'meal': {
      const result = parseMeal(text, question.choices);
      return result.ok ? { meal: result.value } : undefined;
    }
    case 'receipts': {
      const result = parseYesNo(text);
      return result.ok ? { receipts: result.value } : undefined;
    }
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Applies a text to the pending question: store it, ask again, or let it go. */
export function answerPendingQuestion(subscription: Subscription, program: Program, text: string): AnswerOutcome | undefined {
  const pending = subscription.pendingQuestion;
  const question = pending && program.questions.find((q) => q.field === pending.field);
  if (!pending || !question) return undefined;
  const skip = (): AnswerOutcome => ({
    kind: 'skipped',
    subscription: { ...subscription, pendingQuestion: undefined, skipped: [...subscription.skipped, question.field] },
  });
  if (/^\s*skip\W*$/i.test(text)) return skip();

  const answer = parseAnswer(question, text);
  if (answer) {
    return {
      kind: 'stored',
      subscription: { ...subscription, pendingQuestion: undefined, profile: dropUndefined({ ...subscription.profile, ...answer }) },
    };
  }
  if (pending.attempts >= MAX_REASKS) return skip();
  return { kind: 'retry', question, subscription: { ...subscription, pendingQuestion: { ...pending, attempts: pending.attempts + 1 } } };
}
