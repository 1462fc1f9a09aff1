import { GatewayHarness, newPhone } from '../support/gateway-harness';

jest.setTimeout(60_000);

let harness: GatewayHarness;

beforeAll(async () => {
  harness = await GatewayHarness.start();
});

afterAll(async () => {
  await harness?.close();
});

describe('texting the keyword', () => {
  test('a new number gets the compliant welcome with the offer, then the ZIP question, in that order', async () => {
    // Prepare
    const phone = newPhone();

    // Act
    const sent = await harness.text(phone, 'krusty');
    const [welcome, question] = await harness.waitForMessages(phone, 2);

    // Assess
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('<Response></Response>');
    expect(welcome!.from).toBe('55155');
    expect(welcome!.body).toContain('Krusty Burger Rewards');
    expect(welcome!.body).toContain('20% off your next purchase');
    expect(welcome!.body).toContain('Up to 4 msgs/wk');
    expect(welcome!.body).toContain('Msg&data rates may apply');
    expect(welcome!.body).toMatch(/Reply HELP for help, STOP to cancel/);
    expect(question!.body).toContain('ZIP code');
    const subscription = await harness.subscription(phone);
    expect(subscription).toMatchObject({ status: 'subscribed', pendingQuestion: { field: 'zip' } });
  });

  test('the consent ledger keeps the raw text, keyword, short code and time as proof of consent', async () => {
    // Prepare
    const phone = newPhone();

    // Act
    const messageSid = await harness.textAndSettle(phone, 'Krusty Burger!');

    // Assess
    const ledger = await harness.consentLedger(phone);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      action: 'opt-in',
      programId: 'krusty-burger',
      keyword: 'KRUSTY',
      shortCode: '55155',
      rawText: 'Krusty Burger!',
      messageSid,
      source: 'sms',
    });
    expect(Date.parse(String(ledger[0]!.at))).not.toBeNaN();
  });

  test('an already subscribed number gets a short reply and no second welcome offer', async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');

    // Act
    await harness.textAndSettle(phone, 'KRUSTY');

    // Assess
    const messages = harness.received(phone);
    expect(messages).toHaveLength(3);
    expect(messages[2]!.body).toMatch(/already signed up/);
    expect(messages.filter((m) => m.body.includes('20% off'))).toHaveLength(1);
  });
});

describe('profile questions', () => {
  test('a valid ZIP is stored with its state and time zone', async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');

    // Act
    await harness.textAndSettle(phone, '62701');

    // Assess
    const messages = harness.received(phone);
    expect(messages.at(-1)!.body).toBe('Thanks, got it!');
    const subscription = await harness.subscription(phone);
    expect(subscription!.profile).toEqual({ zip: '62701', state: 'IL', timeZone: 'America/Chicago' });
    expect(subscription!.pendingQuestion).toBeUndefined();
  });

  test('an invalid ZIP is re-asked with an example, twice at most, then the question is skipped', async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');

    // Act
    await harness.textAndSettle(phone, 'dunno');
    await harness.textAndSettle(phone, '1234');
    await harness.textAndSettle(phone, 'springfield');

    // Assess
    const replies = harness.received(phone).slice(2).map((m) => m.body);
    expect(replies).toHaveLength(3);
    expect(replies[0]).toMatch(/didn't look right.*62701.*ZIP code/);
    expect(replies[1]).toMatch(/didn't look right.*62701/);
    expect(replies[2]).toMatch(/skip that one/);
    const subscription = await harness.subscription(phone);
    expect(subscription).toMatchObject({ skipped: ['zip'] });
    expect(subscription!.pendingQuestion).toBeUndefined();
  });
});

describe('HELP', () => {
  test('a number that never subscribed gets the program, support contact, frequency, rates and STOP', async () => {
    // Prepare
    const stranger = newPhone();

    // Act
    await harness.text(stranger, 'help');
    const [reply] = await harness.waitForMessages(stranger, 1);

    // Assess
    expect(reply!.body).toBe(
      'Krusty Burger Rewards: Help at support@krustyburger.example or 1-800-555-0199. Up to 4 msgs/wk. Msg&data rates may apply. Reply STOP to cancel.',
    );
    expect(await harness.subscription(stranger)).toBeUndefined();
  });
});

describe('STOP and START', () => {
  test('STOP gets exactly one confirmation, and afterwards only HELP is answered', async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');

    // Act
    await harness.textAndSettle(phone, 'Stop.');
    await harness.textAndSettle(phone, 'hello');
    await harness.textAndSettle(phone, '62701');
    await harness.textAndSettle(phone, 'STOP');
    await harness.textAndSettle(phone, 'HELP');

    // Assess
    const afterWelcome = harness.received(phone).slice(2).map((m) => m.body);
    expect(afterWelcome).toEqual([
      'You are unsubscribed from Krusty Burger Rewards and will receive no more messages. Reply START to resubscribe.',
      expect.stringContaining('Help at support@krustyburger.example'),
    ]);
    expect(await harness.subscription(phone)).toMatchObject({ status: 'opted-out' });
    const ledger = (await harness.consentLedger(phone)).map((event) => event.action);
    expect(ledger).toEqual(['opt-in', 'opt-out']);
  });

  test('"stop texting me" and "STOP KRUSTY" are opt-outs too', async () => {
    // Prepare
    const phrase = newPhone();
    const programStop = newPhone();
    await harness.textAndSettle(phrase, 'KRUSTY');
    await harness.textAndSettle(programStop, 'KRUSTY');

    // Act
    await harness.textAndSettle(phrase, 'please stop texting me');
    await harness.textAndSettle(programStop, 'stop krusty');

    // Assess
    expect(harness.received(phrase).at(-1)!.body).toMatch(/^You are unsubscribed from Krusty Burger Rewards/);
    expect(harness.received(programStop).at(-1)!.body).toMatch(/^You are unsubscribed from Krusty Burger Rewards/);
    expect(await harness.subscription(phrase)).toMatchObject({ status: 'opted-out' });
    expect(await harness.subscription(programStop)).toMatchObject({ status: 'opted-out' });
  });

  test('START opts back in with a fresh confirmation but no second welcome offer', async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');
    await harness.textAndSettle(phone, 'STOP');

    // Act
    await harness.textAndSettle(phone, 'START');

    // Assess
    const confirmation = harness.received(phone)[3]!.body;
    expect(confirmation).toContain('Krusty Burger Rewards');
    expect(confirmation).toContain('Msg&data rates may apply');
    expect(confirmation).toContain('STOP');
    expect(confirmation).not.toContain('20% off');
    expect(await harness.subscription(phone)).toMatchObject({ status: 'subscribed' });
  });
});

describe('anything else', () => {
  test('gets one short fallback a day, so a chatty sender cannot loop the gateway', async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');
    await harness.textAndSettle(phone, 'SKIP');

    // Act
    await harness.textAndSettle(phone, 'hello?');
    await harness.textAndSettle(phone, 'anyone there');
    await harness.textAndSettle(phone, 'hellooo');

    // Assess
    const replies = harness.received(phone).slice(3).map((m) => m.body);
    expect(replies).toEqual(["Krusty Burger Rewards: sorry, we didn't get that. Reply HELP for help, STOP to opt out."]);
  });
});

describe('domain events', () => {
  test('opting in, answering and opting out are published on the bus for CRMs, and what became of each reply', async () => {
    // Prepare
    const phone = newPhone();

    // Act
    await harness.textAndSettle(phone, 'KRUSTY');
    await harness.textAndSettle(phone, '10001');
    await harness.textAndSettle(phone, 'STOP');
    const outcomes = async () => (await harness.publishedEvents(phone)).filter((event) => event.detailType === 'MessageOutcome');
    // Welcome, ZIP question, thanks, opt-out confirmation: each reported sent once.
    await harness.waitUntil(async () => (await outcomes()).length >= 4);
    await harness.waitUntil(async () => (await harness.publishedEvents(phone)).filter((event) => event.detailType !== 'MessageOutcome').length >= 4);

    // Assess
    expect((await outcomes()).map((event) => [event.detail.purpose, event.detail.outcome])).toEqual([
      ['opt-in-confirmation', 'sent'],
      ['profile-question', 'sent'],
      ['reply', 'sent'],
      ['opt-out-confirmation', 'sent'],
    ]);
    const events = (await harness.publishedEvents(phone)).filter((event) => event.detailType !== 'MessageOutcome');
    expect(events.map((event) => [event.source, event.detailType])).toEqual([
      ['sms-gateway', 'KeywordReceived'],
      ['sms-gateway', 'SubscriberOptedIn'],
      ['sms-gateway', 'ProfileAnswered'],
      ['sms-gateway', 'SubscriberOptedOut'],
    ]);
    expect(events[0]!.detail).toMatchObject({ programId: 'krusty-burger', keyword: 'KRUSTY', subscribed: false });
    expect(events[2]!.detail).toMatchObject({ programId: 'krusty-burger', field: 'zip', profile: { zip: '10001', state: 'NY', timeZone: 'America/New_York' } });
  });
});

describe('every ordinary way of saying stop', () => {
  test('"Please stop" from one subscriber and a full-width "ＳＴＯＰ" from another both get the opt-out confirmation', async () => {
    // Prepare
    const polite = newPhone();
    const fullWidth = newPhone();
    await harness.textAndSettle(polite, 'KRUSTY');
    await harness.textAndSettle(fullWidth, 'KRUSTY');

    // Act
    await harness.textAndSettle(polite, 'Please stop');
    await harness.textAndSettle(fullWidth, 'ＳＴＯＰ');

    // Assess
    for (const phone of [polite, fullWidth]) {
      const afterWelcome = harness.received(phone).slice(2).map((m) => m.body);
      expect(afterWelcome).toEqual([
        'You are unsubscribed from Krusty Burger Rewards and will receive no more messages. Reply START to resubscribe.',
      ]);
      expect(await harness.subscription(phone)).toMatchObject({ status: 'opted-out' });
      const ledger = await harness.consentLedger(phone);
      expect(ledger.map((event) => [event.action, event.rawText])).toEqual([
        ['opt-in', 'KRUSTY'],
        ['opt-out', phone === polite ? 'Please stop' : 'ＳＴＯＰ'],
      ]);
    }
  });

  test('stop-like texts that are not opt-outs get the fallback saying how to opt out, a few times a day at most', async () => {
    // Prepare
    const phone = newPhone();
    await harness.textAndSettle(phone, 'KRUSTY');
    await harness.textAndSettle(phone, 'SKIP');
    await harness.textAndSettle(phone, 'hello');

    // Act
    for (const body of ['stop by later?', 'cancel my order', "can't stop won't stop", 'the bus stop on 5th']) {
      await harness.textAndSettle(phone, body);
    }

    // Assess
    const replies = harness.received(phone).slice(3).map((m) => m.body);
    expect(replies).toEqual(Array(4).fill("Krusty Burger Rewards: sorry, we didn't get that. Reply HELP for help, STOP to opt out."));
    expect(await harness.subscription(phone)).toMatchObject({ status: 'subscribed' });
  });
});
