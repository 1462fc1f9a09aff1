import { validateCatalog } from '../../functions/domain/catalog';
import { classify, type KeywordOwner } from '../../functions/domain/classify';
import { OPT_OUT_WORDS } from '../../functions/domain/compliance';

/** The demo catalog: one program, keyword KRUSTY, alias KRUSTYBURGER, on 55155. */
const demo = validateCatalog(require('../../catalog/demo.json')).catalog.programs;
const PROGRAM_ID = 'krusty-burger';
const noOptOut = { hasOptOut: false };
const afterOptOut = { hasOptOut: true };

/** Every spelling a person may use for one word: lower, upper, mixed, padded, punctuated. */
function spellings(word: string): string[] {
  const lower = word.toLowerCase();
  const mixed = lower.charAt(0).toUpperCase() + lower.slice(1);
  return [lower, word.toUpperCase(), mixed, `  ${word}  `, `${lower}.`, ` ${mixed}! `, `${word.toUpperCase()}!!!`, `${lower}?`];
}

/** The carriers' opt-out words and the Spanish ones, as a person would type them. */
const COMPLIANCE_OPT_OUT_WORDS = [
  'STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'OPT-OUT', 'OPT OUT', 'ARRET', 'REMOVE',
  'PARAR', 'CANCELAR', 'BASTA', 'ALTO', 'NO MAS',
];

describe('classify: opting out of everything', () => {
  test('the compliance module lists every carrier and Spanish opt-out word', () => {
    // Prepare
    const listed = new Set<string>(OPT_OUT_WORDS);
    // Act
    const missing = COMPLIANCE_OPT_OUT_WORDS.filter((word) => !listed.has(word));
    // Assess
    expect(missing).toEqual([]);
  });

  test.each(COMPLIANCE_OPT_OUT_WORDS.flatMap((word) => spellings(word).map((text) => [word, text])))(
    '%s typed as %j opts out of all programs',
    (_word, text) => {
      // Prepare
      const programs = demo;
      // Act
      const intent = classify(text, programs, noOptOut);
      // Assess
      expect(intent).toEqual({ kind: 'opt-out-all' });
    },
  );

  test.each(['stop.', ' Stop! ', 'STOP!!!', 'opt out', 'Opt-Out', 'OPT-OUT.', 'Stop 🛑', 'STOP ALL', 'stop\u00a0'])(
    '%j opts out of all programs',
    (text) => {
      // Prepare
      const programs = demo;
      // Act
      const intent = classify(text, programs, noOptOut);
      // Assess
      expect(intent).toEqual({ kind: 'opt-out-all' });
    },
  );

  test.each([
    'stop texting me',
    'Stop texting me!',
    'unsubscribe me please',
    'Please unsubscribe me',
    'remove me',
    'Remove me from this list.',
    'wrong number',
    'Sorry, wrong number',
    "please don't text me anymore",
    'please dont text me',
    'Do not text me again',
    'no more texts',
    'No more messages please',
    'take me off your list',
    'opt me out',
    'leave me alone',
    'not interested',
  ])('the FCC-style phrase %j opts out of all programs', (text) => {
    // Prepare
    const programs = demo;
    // Act
    const intent = classify(text, programs, noOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'opt-out-all' });
  });

  // Phones with "smart punctuation" (iOS default) type a curly apostrophe U+2019 in "don't".
  test.each(['please don\u2019t text me anymore', 'Don\u2019t text me'])(
    'the FCC-style phrase %j with a typographic apostrophe opts out of all programs',
    (text) => {
      // Prepare
      const programs = demo;
      // Act
      const intent = classify(text, programs, noOptOut);
      // Assess
      expect(intent).toEqual({ kind: 'opt-out-all' });
    },
  );

  test('STOP followed by a word that is no keyword still opts out of everything', () => {
    // Prepare
    const text = 'STOP SQUISHEE';
    // Act
    const intent = classify(text, demo, noOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'opt-out-all' });
  });

  test('opting out wins over the opt-out context: STOP after an earlier opt-out is still STOP', () => {
    // Prepare
    const text = 'STOP';
    // Act
    const intent = classify(text, demo, afterOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'opt-out-all' });
  });

  test('an unrelated sentence that merely contains "stop" is not an opt-out, but is flagged as mentioning it', () => {
    // Prepare
    const text = "I can't stop eating your fries";
    // Act
    const intent = classify(text, demo, noOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'other', text, mentionsStop: true });
  });
});

describe('classify: opting out of one program on a shared short code', () => {
  test.each([
    ['STOP KRUSTY'],
    ['stop krusty'],
    ['Stop Krusty!'],
    ['stop krustyburger'],
    ['STOP KRUSTYBURGER.'],
    ['stop krusty burger'],
  ])('%j opts out of the demo program only', (text) => {
    // Prepare
    const programs = demo;
    // Act
    const intent = classify(text, programs, noOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'opt-out-program', programId: PROGRAM_ID });
  });

  test('STOP with the keyword of the second program on the code picks that program', () => {
    // Prepare
    const programs: KeywordOwner[] = [
      { programId: PROGRAM_ID, answersTo: ['KRUSTY', 'KRUSTYBURGER'] },
      { programId: 'squishee', answersTo: ['SQUISHEE', 'SLUSH'] },
    ];
    // Act
    const byKeyword = classify('stop squishee', programs, noOptOut);
    const byAlias = classify('Stop slush', programs, noOptOut);
    // Assess
    expect(byKeyword).toEqual({ kind: 'opt-out-program', programId: 'squishee' });
    expect(byAlias).toEqual({ kind: 'opt-out-program', programId: 'squishee' });
  });
});

describe('classify: help', () => {
  test.each([...spellings('HELP'), ...spellings('INFO'), ...spellings('AYUDA'), 'help?', 'HELP me', 'Help!!!', 'aide', '¿Ayuda?'])(
    '%j asks for help',
    (text) => {
      // Prepare
      const programs = demo;
      // Act
      const intent = classify(text, programs, noOptOut);
      // Assess
      expect(intent).toEqual({ kind: 'help' });
    },
  );

  test('HELP is answered also after an opt-out', () => {
    // Prepare
    const text = 'HELP';
    // Act
    const intent = classify(text, demo, afterOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'help' });
  });
});

describe('classify: opting back in', () => {
  test.each([...spellings('START'), ...spellings('UNSTOP')])('%j opts back in, with or without an opt-out', (text) => {
    // Prepare
    const programs = demo;
    // Act
    const withoutOptOut = classify(text, programs, noOptOut);
    const withOptOut = classify(text, programs, afterOptOut);
    // Assess
    expect(withoutOptOut).toEqual({ kind: 'opt-in' });
    expect(withOptOut).toEqual({ kind: 'opt-in' });
  });

  test.each(['YES', 'yes', 'Yes!', ' yes. '])('%j opts back in only when an opt-out exists', (text) => {
    // Prepare
    const programs = demo;
    // Act
    const withOptOut = classify(text, programs, afterOptOut);
    const withoutOptOut = classify(text, programs, noOptOut);
    // Assess
    expect(withOptOut).toEqual({ kind: 'opt-in' });
    expect(withoutOptOut).toEqual({ kind: 'other', text: text.trim() });
  });
});

describe('classify: program keywords', () => {
  test.each([
    ['KRUSTY', 'KRUSTY'],
    ['krusty', 'KRUSTY'],
    ['Krusty', 'KRUSTY'],
    ['  krusty  ', 'KRUSTY'],
    ['Krusty!', 'KRUSTY'],
    ['K R U S T Y', 'KRUSTY'],
    ['KRUSTYBURGER', 'KRUSTYBURGER'],
    ['krustyburger', 'KRUSTYBURGER'],
    ['KrustyBurger.', 'KRUSTYBURGER'],
    ['KrustyBurger 7K2Q9X', 'KRUSTYBURGER'],
  ])('%j joins the demo program, matching %s', (text, matched) => {
    // Prepare
    const programs = demo;
    // Act
    const intent = classify(text, programs, noOptOut);
    // Assess
    expect(intent).toMatchObject({ kind: 'keyword', programId: PROGRAM_ID, matched });
  });

  test.each([
    ['KRUSTY ABC123', 'ABC123'],
    ['krusty abc123', 'ABC123'],
    ['Krusty  ref  42!', 'REF 42'],
  ])('%j is the keyword with the extra text %j', (text, extra) => {
    // Prepare
    const programs = demo;
    // Act
    const intent = classify(text, programs, noOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'keyword', programId: PROGRAM_ID, matched: 'KRUSTY', extra });
  });

  test('"krusty burger" joins the demo program; its first word is the keyword, so BURGER is the extra (current behaviour)', () => {
    // Prepare
    const text = 'krusty burger';
    // Act
    const intent = classify(text, demo, noOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'keyword', programId: PROGRAM_ID, matched: 'KRUSTY', extra: 'BURGER' });
  });

  test.each(['krusty burger', 'Krusty Burger!', 'KRUSTY BURGER'])(
    '%j matches the alias KRUSTYBURGER when its first word is not a keyword',
    (text) => {
      // Prepare: a program whose keyword is not "KRUSTY", so only the spaced-out alias can match.
      const programs: KeywordOwner[] = [{ programId: 'burgers', answersTo: ['BURGERS', 'KRUSTYBURGER'] }];
      // Act
      const intent = classify(text, programs, noOptOut);
      // Assess
      expect(intent).toEqual({ kind: 'keyword', programId: 'burgers', matched: 'KRUSTYBURGER' });
    },
  );

  test('a keyword of another short code is not a keyword here', () => {
    // Prepare: the programs on this short code (none).
    const programs: KeywordOwner[] = [];
    // Act
    const intent = classify('KRUSTY', programs, noOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'other', text: 'KRUSTY' });
  });
});

describe('classify: asking for an invitation to pass on', () => {
  test.each(['SHARE', 'INVITE', 'REFER'].flatMap((word) => spellings(word).map((text) => [word, text])))(
    '%s typed as %j asks for the invitation',
    (_word, text) => {
      // Prepare
      const programs = demo;
      // Act
      const intent = classify(text, programs, noOptOut);
      // Assess
      expect(intent).toEqual({ kind: 'share' });
    },
  );

  test.each(['share this with my wife', 'invite me', 'referral', 'shares'])('%j is not the invitation word alone: other', (text) => {
    // Prepare
    const programs = demo;
    // Act
    const intent = classify(text, programs, noOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'other', text });
  });

  test('a sweepstakes keyword still enters beside the invitation words', () => {
    // Prepare
    const sweepstakes = [{ programId: PROGRAM_ID, sweepstakesId: 'summer', keyword: 'WIN' }];
    // Act
    const intents = ['win!', 'SHARE'].map((text) => classify(text, demo, noOptOut, sweepstakes));
    // Assess
    expect(intents).toEqual([{ kind: 'sweepstakes', programId: PROGRAM_ID, sweepstakesId: 'summer' }, { kind: 'share' }]);
  });
});

describe('classify: everything else', () => {
  test.each([
    ['62701', '62701'],
    ['  62701  ', '62701'],
    ['hello', 'hello'],
    ['2', '2'],
    ['July 14', 'July 14'],
    ['homer@example.com', 'homer@example.com'],
    ['information please', 'information please'],
    ['', ''],
  ])('%j is other with the trimmed raw text', (text, expected) => {
    // Prepare
    const programs = demo;
    // Act
    const intent = classify(text, programs, noOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'other', text: expected });
  });
});
