import type { Subscription } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { askQuestion, nextQuestion, questionToRideAlong } from '../../functions/domain/profiling';

const program = validateCatalog(require('../../catalog/demo.json')).catalog.programs[0]!;

function subscriber(overrides: Partial<Subscription> = {}): Subscription {
  return {
    phone: '+15551234567',
    programId: program.programId,
    status: 'subscribed',
    profile: { zip: '62701', state: 'IL', timeZone: 'America/Chicago' },
    skipped: [],
    marketingSinceQuestion: 0,
    version: 3,
    ...overrides,
  };
}

describe('the "every few messages" hook for later profile questions', () => {
  test.each([
    [0, undefined],
    [program.questionEvery - 1, undefined],
    [program.questionEvery, 'meal'],
    [program.questionEvery + 5, 'meal'],
  ])('after %i marketing messages the question to ride along is %s', (sent, expected) => {
    // Prepare
    const subscription = subscriber({ marketingSinceQuestion: sent });

    // Act
    const question = questionToRideAlong(subscription, program);

    // Assess
    expect(question?.field).toBe(expected);
  });

  test('no question rides along while one is still waiting for an answer, or after an opt-out', () => {
    // Prepare
    const pending = subscriber({ marketingSinceQuestion: 10, pendingQuestion: { field: 'meal', attempts: 0, askedAt: '2026-01-01T00:00:00Z' } });
    const optedOut = subscriber({ marketingSinceQuestion: 10, status: 'opted-out' });

    // Act
    const results = [questionToRideAlong(pending, program), questionToRideAlong(optedOut, program)];

    // Assess
    expect(results).toEqual([undefined, undefined]);
  });

  test('answered and skipped questions are not asked again, and asking resets the counter', () => {
    // Prepare
    const subscription = subscriber({ marketingSinceQuestion: 4, skipped: ['meal'] });

    // Act
    const question = nextQuestion(subscription, program)!;
    const asked = askQuestion(subscription, question, '2026-01-02T12:00:00Z');

    // Assess
    expect(question.field).toBe('birthday');
    expect(asked.pendingQuestion).toEqual({ field: 'birthday', attempts: 0, askedAt: '2026-01-02T12:00:00Z' });
    expect(asked.marketingSinceQuestion).toBe(0);
  });

  test('when every question is answered or skipped, nothing is asked', () => {
    // Prepare
    const subscription = subscriber({
      marketingSinceQuestion: 9,
      profile: { zip: '62701', meal: 'Burger', birthday: '07-14' },
      skipped: ['email', 'receipts'],
    });

    // Act
    const question = questionToRideAlong(subscription, program);

    // Assess
    expect(question).toBeUndefined();
  });
});
