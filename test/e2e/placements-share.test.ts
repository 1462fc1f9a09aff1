import { DynamoConversationStore } from '../../functions/adapters/dynamo-conversation-store';
import { referralCounts } from '../../functions/domain/audience';
import { GatewayHarness, newPhone } from '../support/gateway-harness';

jest.setTimeout(120_000);

const BILLBOARD = 'billboard I-55 northbound';

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await GatewayHarness.start();
  await harness.setClock('2026-11-24T17:00:00Z');
});

afterAll(async () => {
  await harness?.close();
});

const eventsOf = async (phone: string, detailType: string) => (await harness.publishedEvents(phone)).filter((event) => event.detailType === detailType);

/** The code in a subscriber's invitation (SHARE), as they would read it. */
async function invitationCode(phone: string): Promise<string> {
  await harness.textAndSettle(phone, 'SHARE');
  const invitation = harness.received(phone).at(-1)!.body;
  const code = /text KRUSTY ([A-Z0-9]{6}) to 55155/.exec(invitation)?.[1];
  if (!code) throw new Error(`no code in ${JSON.stringify(invitation)}`);
  return code;
}

describe('placements: where a keyword is advertised', () => {
  test('an opt-in through the billboard alias records the alias and its placement on the consent ledger and in SubscriberOptedIn', async () => {
    // Prepare
    const phone = newPhone();

    // Act
    await harness.textAndSettle(phone, 'KrustyBurger!');

    // Assess
    expect(harness.received(phone)[0]!.body).toContain('Welcome to Krusty Burger Rewards!');
    expect(await harness.consentLedger(phone)).toEqual([
      expect.objectContaining({ action: 'opt-in', rawText: 'KrustyBurger!', keyword: 'KRUSTYBURGER', placement: BILLBOARD }),
    ]);
    expect((await eventsOf(phone, 'SubscriberOptedIn')).map((event) => event.detail)).toEqual([
      expect.objectContaining({ keyword: 'KRUSTYBURGER', placement: BILLBOARD, shortCode: '55155' }),
    ]);
    expect((await eventsOf(phone, 'KeywordReceived')).map((event) => event.detail)).toEqual([
      expect.objectContaining({ keyword: 'KRUSTYBURGER', placement: BILLBOARD, subscribed: false }),
    ]);
    expect(await harness.subscription(phone)).toMatchObject({ joinedWith: { keyword: 'KRUSTYBURGER', placement: BILLBOARD } });
  });

  test('HELP from a number that never joined is published as a stranger\'s', async () => {
    // Prepare
    const phone = newPhone();

    // Act
    await harness.textAndSettle(phone, 'help');

    // Assess
    expect(harness.received(phone)).toHaveLength(1);
    expect((await eventsOf(phone, 'HelpRequested')).map((event) => event.detail)).toEqual([expect.objectContaining({ stranger: true })]);
  });
});

describe('SHARE: an invitation a subscriber can pass on', () => {
  test('SHARE gets the subscriber the plain "KRUSTY <code>" invitation, and the same code each time', async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');

    // Act
    const code = await invitationCode(phone);
    await harness.textAndSettle(phone, 'invite!');

    // Assess
    const [first, second] = harness.received(phone).slice(-2).map((message) => message.body);
    expect(first).toMatch(new RegExp(`^Tell a friend: text KRUSTY ${code} to 55155 to join Krusty Burger deals\\. Or share: \\S+$`));
    // Each text has a short link of its own, standing for the same click-to-post intent with the same code.
    expect(second).toMatch(new RegExp(`^Tell a friend: text KRUSTY ${code} to 55155 to join Krusty Burger deals\\. Or share: ${harness.gateway.linkBase}/\\w{8}$`));
    expect(second).not.toBe(first);
    expect(await harness.unshortened(second!)).toBe(await harness.unshortened(first!));
    expect(await eventsOf(phone, 'ShareRequested')).toHaveLength(2);
  });

  test('a friend joining with the code and the referrer\'s reward count once on the referrer, even when the friend\'s opt-in is delivered again', async () => {
    // Prepare
    const referrer = newPhone();
    await harness.textAndSettle(referrer, 'KRUSTY');
    const code = await invitationCode(referrer);
    const friend = newPhone();
    const sid = await harness.textAndSettle(friend, `KRUSTY ${code}`);
    await harness.settle();

    // Act: the friend's opt-in once more, after the queue's deduplication window
    const [handled] = await harness.items(friend, `MSG#${sid}`);
    await harness.lateReplay('inbound', { messageSid: sid, from: friend, to: '55155', body: handled!.body, numMedia: 0, receivedAt: handled!.at }, friend);
    await harness.settle();

    // Assess: the replay was handled (its events published again, same ids), and counted nothing new
    expect(await eventsOf(friend, 'SubscriberOptedIn')).toHaveLength(2);
    const store = new DynamoConversationStore(harness.db, harness.gateway.tables.audience);
    const subscription = (await store.subscription(referrer, 'krusty-burger'))!;
    expect(referralCounts(subscription)).toEqual({ joined: 1, rewarded: 1 });
    expect(subscription.referredFriends).toEqual([friend]);
    expect(harness.received(referrer).filter((message) => message.body.includes('your friend joined'))).toHaveLength(1);
    expect(harness.received(friend).filter((message) => message.body.includes('Welcome to Krusty Burger Rewards!'))).toHaveLength(1);
  });
});
