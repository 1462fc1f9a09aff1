import { validateCatalog, welcomeOffer } from '../../functions/domain/catalog';
import {
  helpReply,
  missingOptInDisclosures,
  optInConfirmation,
  optOutConfirmation,
  RATES_DISCLOSURE,
  RESERVED_WORDS,
  withOptOutHint,
} from '../../functions/domain/compliance';
import { renderTemplate } from '../../functions/domain/templates';

const program = validateCatalog(require('../../catalog/demo.json')).catalog.programs[0]!;

describe('optInConfirmation', () => {
  const welcomeIntro = renderTemplate(program.templates.welcome, {
    programName: program.name,
    offer: welcomeOffer(program)!.copy,
  });
  const welcomeBackIntro = renderTemplate(program.templates['welcome-back'], { programName: program.name });

  test.each([
    ['welcome intro', welcomeIntro],
    ['welcome-back intro', welcomeBackIntro],
    ['intro without the program name', "You're in!"],
    ['intro without closing punctuation', 'Thanks for joining'],
  ])('with a %s it carries every required disclosure', (_case, intro) => {
    // Prepare
    const facts = program;
    // Act
    const text = optInConfirmation(intro, facts);
    // Assess
    expect(missingOptInDisclosures(text, facts)).toEqual([]);
    expect(text).toContain('Krusty Burger Rewards');
    expect(text).toContain('Up to 4 msgs/wk');
    expect(text).toContain('Msg&data rates may apply');
    expect(text).toMatch(/\bHELP\b/);
    expect(text).toMatch(/\bSTOP\b/);
  });

  test('the demo welcome reads as one confirmation: intro, frequency, rates, HELP and STOP', () => {
    // Prepare
    const intro = welcomeIntro;
    // Act
    const text = optInConfirmation(intro, program);
    // Assess
    expect(text).toBe(
      'Welcome to Krusty Burger Rewards! Enjoy 20% off your next purchase: just show this text at the counter. ' +
        'Up to 4 msgs/wk. Msg&data rates may apply. Reply HELP for help, STOP to cancel.',
    );
  });

  test('an intro without the program name is prefixed with it', () => {
    // Prepare
    const intro = "Welcome back! You're subscribed again.";
    // Act
    const text = optInConfirmation(intro, program);
    // Assess
    expect(text.startsWith("Krusty Burger Rewards: Welcome back! You're subscribed again.")).toBe(true);
  });
});

describe('missingOptInDisclosures', () => {
  test.each([
    ['program name', 'You are in! Up to 4 msgs/wk. Msg&data rates may apply. Reply HELP for help, STOP to cancel.'],
    ['message frequency', 'Krusty Burger Rewards: you are in! Msg&data rates may apply. Reply HELP for help, STOP to cancel.'],
    ['rates disclosure', 'Krusty Burger Rewards: you are in! Up to 4 msgs/wk. Reply HELP for help, STOP to cancel.'],
    ['HELP instructions', 'Krusty Burger Rewards: you are in! Up to 4 msgs/wk. Msg&data rates may apply. Reply STOP to cancel.'],
    ['STOP instructions', 'Krusty Burger Rewards: you are in! Up to 4 msgs/wk. Msg&data rates may apply. Reply HELP for help.'],
  ])('reports a missing %s', (missing, text) => {
    // Prepare
    const facts = program;
    // Act
    const problems = missingOptInDisclosures(text, facts);
    // Assess
    expect(problems).toEqual([missing]);
  });
});

describe('helpReply', () => {
  test('names the program, the support contact, the frequency, the rates and how to stop', () => {
    // Prepare
    const facts = program;
    // Act
    const text = helpReply(facts);
    // Assess
    expect(text).toContain('Krusty Burger Rewards');
    expect(text).toContain('support@krustyburger.example or 1-800-555-0199');
    expect(text).toContain('Up to 4 msgs/wk');
    expect(text).toContain('Msg&data rates may apply');
    expect(text).toContain('Reply STOP to cancel');
    expect(text).toBe(
      'Krusty Burger Rewards: Help at support@krustyburger.example or 1-800-555-0199. ' +
        'Up to 4 msgs/wk. Msg&data rates may apply. Reply STOP to cancel.',
    );
  });

  test('a frequency already ending in a full stop is not doubled', () => {
    // Prepare
    const facts = { name: 'Squishee Club', helpContact: 'help@squishee.example', frequency: 'Up to 2 msgs/mo.' };
    // Act
    const text = helpReply(facts);
    // Assess
    expect(text).toBe(`Squishee Club: Help at help@squishee.example. Up to 2 msgs/mo. ${RATES_DISCLOSURE} Reply STOP to cancel.`);
  });
});

describe('optOutConfirmation', () => {
  test.each([
    [['Krusty Burger Rewards'], 'You are unsubscribed from Krusty Burger Rewards and will receive no more messages. Reply START to resubscribe.'],
    [
      ['Krusty Burger Rewards', 'Squishee Club'],
      'You are unsubscribed from Krusty Burger Rewards and Squishee Club and will receive no more messages. Reply START to resubscribe.',
    ],
    [
      ['A', 'B', 'C'],
      'You are unsubscribed from A, B and C and will receive no more messages. Reply START to resubscribe.',
    ],
    [[], 'You are unsubscribed from this program and will receive no more messages. Reply START to resubscribe.'],
  ])('for %j reads exactly as COMPLIANCE.md says', (names, expected) => {
    // Prepare
    const programNames = names;
    // Act
    const text = optOutConfirmation(programNames);
    // Assess
    expect(text).toBe(expected);
  });
});

describe('RESERVED_WORDS', () => {
  test.each([
    'STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'ARRET', 'REMOVE', 'UNSUB',
    'PARAR', 'CANCELAR', 'BASTA', 'ALTO', 'NOMAS', 'BAJA', 'CANCELA', 'ARRETEZ',
    'HELP', 'INFO', 'AIDE', 'AYUDA', 'START', 'UNSTOP', 'YES', 'SKIP',
  ])(
    '%s is reserved',
    (word) => {
      // Prepare
      const reserved = RESERVED_WORDS;
      // Act
      const isReserved = reserved.has(word);
      // Assess
      expect(isReserved).toBe(true);
    },
  );

  test('the demo keyword and alias are not reserved', () => {
    // Prepare
    const words = [program.keyword, ...program.aliases];
    // Act
    const reserved = words.filter((word) => RESERVED_WORDS.has(word));
    // Assess
    expect(words).toEqual(['KRUSTY', 'KRUSTYBURGER']);
    expect(reserved).toEqual([]);
  });
});

describe('reserved words in the catalog', () => {
  test.each(['AYUDA', 'ayuda', 'BASTA', 'NOMAS', 'UNSUB'])('a program whose keyword is %j is refused: the word already means HELP or STOP', (keyword) => {
    // Prepare
    const items = [
      ...require('../../catalog/demo.json'),
      { pk: 'PROGRAM#squishee', sk: 'PROGRAM', name: 'Squishee Club', shortCode: '55155', keyword, aliases: [], helpContact: 'help@squishee.example', frequency: 'Up to 2 msgs/mo' },
    ];
    // Act
    const { catalog, problems } = validateCatalog(items);
    // Assess
    expect(problems).toEqual([
      expect.objectContaining({ key: 'PROGRAM#squishee / PROGRAM', field: 'keyword', reason: 'is a reserved compliance word (STOP, HELP, START…)' }),
    ]);
    expect(catalog.programs.map((p) => p.programId)).toEqual(['krusty-burger']);
  });
});

describe('withOptOutHint', () => {
  test.each([
    ["Krusty Burger Rewards: sorry, we didn't get that. Reply HELP for help, STOP to opt out.", "Krusty Burger Rewards: sorry, we didn't get that. Reply HELP for help, STOP to opt out."],
    ["Sorry, we didn't get that", "Sorry, we didn't get that. Reply STOP to opt out."],
    ['Huh? Reply HELP for help.', 'Huh? Reply HELP for help. Reply STOP to opt out.'],
  ])('%j becomes %j', (copy, expected) => {
    // Prepare
    const text = copy;
    // Act
    const hinted = withOptOutHint(text);
    // Assess
    expect(hinted).toBe(expected);
  });
});
