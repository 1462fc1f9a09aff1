import type { Subscription } from './audience';
import type { Program, ProfileQuestion } from './catalog';
import type { ProfileField } from './profile-answers';

/**
 * Which profile question comes next and how it is asked. Apart from the answer parsers (profiling.ts)
 * so the send path can ask a question without bundling the ZIP data.
 */

function answered(subscription: Subscription, field: ProfileField): boolean {
  const profile = subscription.profile;
  return field === 'zip' ? profile.zip !== undefined : profile[field] !== undefined;
}

/** The first question in catalog order that was neither answered nor skipped. */
export function nextQuestion(subscription: Subscription, program: Program): ProfileQuestion | undefined {
  return program.questions.find((q) => !answered(subscription, q.field) && !subscription.skipped.includes(q.field));
}

/**
 * The hook for scheduled marketing: after every `questionEvery` marketing messages, the next profile
 * question rides along. Returns the question to send, or nothing.
 */
export function questionToRideAlong(subscription: Subscription, program: Program): ProfileQuestion | undefined {
  if (subscription.status !== 'subscribed' || subscription.pendingQuestion) return undefined;
  if (subscription.marketingSinceQuestion < program.questionEvery) return undefined;
  return nextQuestion(subscription, program);
}

export function askQuestion(subscription: Subscription, question: ProfileQuestion, at: string): Subscription {
  return { ...subscription, pendingQuestion: { field: question.field, attempts: 0, askedAt: at }, marketingSinceQuestion: 0 };
}

/** The prompt as texted: numbered choices when there are any, and always a way out. */
export function questionText(question: ProfileQuestion): string {
  const choices = question.choices.map((choice, index) => `${index + 1} ${choice}`).join(', ');
  const withChoices = choices ? `${question.prompt} Reply ${choices}.` : question.prompt;
  return /\bSKIP\b/.test(withChoices) ? withChoices : `${withChoices} Reply SKIP to skip.`;
}

