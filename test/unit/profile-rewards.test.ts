import { newConversation, type Conversation } from '../../functions/domain/audience';
import { validateCatalog } from '../../functions/domain/catalog';
import { converse, type Outcome } from '../../functions/domain/conversation';
import { applyOutcome } from '../support/conversation-fixtures';

/** Which answers earn their question's reward: a stored answer to a question that promises one, by a live subscriber. */

const demoItems: Record<string, unknown>[] = require('../../catalog/demo.json');
const SHAKE = { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#free-shake', kind: 'profile-reward', copy: 'A free Krusty Shake, for telling us.', validDays: 14 };
/** The demo catalog with the ZIP question promising a free shake. */
const catalog = validateCatalog([...demoItems.map((item) => (item.sk === 'QUESTION#zip' ? { ...item, reward: 'OFFER#free-shake' } : item)), SHAKE]).catalog;
const PHONE = '+15551234567';

let sid = 0;
function textIn(bodies: string[], start: Conversation = newConversation(PHONE)): Outcome {
  let conversation = start;
  let outcome: Outcome | undefined;
  for (const body of bodies) {
    sid += 1;
    outcome = converse({ messageSid: `SM${String(sid).padStart(32, '0')}`, from: PHONE, to: '55155', body, receivedAt: '2026-11-23T20:00:00.000Z' }, conversation, catalog);
    conversation = applyOutcome(conversation, outcome);
  }
  return outcome!;
}

describe('a profile answer that earns a reward', () => {
  test.each([
    ['a valid ZIP answers the question that promises the shake', ['KRUSTY', '62701'], [{ phone: PHONE, programId: 'krusty-burger', field: 'zip', offerId: 'free-shake', timeZone: 'America/Chicago' }]],
    ['a ZIP in a sentence counts too', ['KRUSTY', 'my zip is 10001'], [{ phone: PHONE, programId: 'krusty-burger', field: 'zip', offerId: 'free-shake', timeZone: 'America/New_York' }]],
    ['an answer that is not a ZIP earns nothing (the question is asked again)', ['KRUSTY', 'pizza'], undefined],
    ['SKIP earns nothing', ['KRUSTY', 'SKIP'], undefined],
    ['an opted-out number texting a ZIP earns nothing', ['KRUSTY', 'STOP', '62701'], undefined],
    ['joining earns nothing by itself', ['KRUSTY'], undefined],
  ])('%s', (_, bodies, expected) => {
    // Act
    const outcome = textIn(bodies);

    // Assess
    expect(outcome.rewards).toEqual(expected);
  });

  test('a question without a reward earns nothing', () => {
    // Prepare
    const plain = validateCatalog(demoItems).catalog;
    const joined = applyOutcome(newConversation(PHONE), converse({ messageSid: 'SM1', from: PHONE, to: '55155', body: 'KRUSTY', receivedAt: '2026-11-23T20:00:00.000Z' }, newConversation(PHONE), plain));

    // Act
    const outcome = converse({ messageSid: 'SM2', from: PHONE, to: '55155', body: '62701', receivedAt: '2026-11-23T20:01:00.000Z' }, joined, plain);

    // Assess
    expect(outcome.kind).toBe('answered');
    expect(outcome.rewards).toBeUndefined();
  });
});
