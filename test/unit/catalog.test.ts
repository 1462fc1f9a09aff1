import {
  programsOnShortCode,
  validateCatalog,
  welcomeOffer,
  type CatalogProblem,
} from '../../functions/domain/catalog';
import { DEFAULT_TEMPLATES } from '../../functions/domain/templates';

type RawItem = Record<string, unknown>;

const demoItems: RawItem[] = require('../../catalog/demo.json');

/** A valid second program on the demo short code, to be broken one attribute at a time. */
function squishee(overrides: RawItem = {}): RawItem {
  return {
    pk: 'PROGRAM#squishee',
    sk: 'PROGRAM',
    name: 'Squishee Club',
    shortCode: '55155',
    keyword: 'SQUISHEE',
    aliases: ['SLUSH'],
    helpContact: 'help@squishee.example',
    frequency: 'Up to 2 msgs/mo',
    ...overrides,
  };
}

function withoutKey(item: RawItem, key: string): RawItem {
  const { [key]: _dropped, ...rest } = item;
  return rest;
}

describe('validateCatalog: the demo catalog', () => {
  test('validates with no problems into one program with its questions in order', () => {
    // Prepare
    const items = demoItems;
    // Act
    const { catalog, problems } = validateCatalog(items);
    // Assess
    expect(problems).toEqual([]);
    expect(catalog.programs).toHaveLength(1);
    const program = catalog.programs[0]!;
    expect(program).toMatchObject({
      programId: 'krusty-burger',
      name: 'Krusty Burger Rewards',
      brandName: 'Krusty Burger',
      shortCode: '55155',
      keyword: 'KRUSTY',
      aliases: ['KRUSTYBURGER'],
      helpContact: 'support@krustyburger.example or 1-800-555-0199',
      frequency: 'Up to 4 msgs/wk',
      timeZoneFallback: 'America/New_York',
      lunchTime: '12:00',
      questionEvery: 3,
    });
    expect(program.questions.map((q) => q.field)).toEqual(['zip', 'meal', 'birthday', 'email', 'receipts']);
    expect(program.questions.find((q) => q.field === 'meal')!.choices).toEqual(['Burger', 'Chicken', 'Salad', 'Fries']);
    expect(program.offers.map((o) => o.offerId).sort()).toEqual(['birthday', 'lunch', 'referral', 'shake', 'thanks', 'welcome']);
    expect(welcomeOffer(program)!.copy).toBe('Enjoy 20% off your next purchase: just show this text at the counter.');
    expect(program.templates.welcome).toBe('Welcome to {programName}! {offer}');
    expect(program.templates.fallback).toBe(DEFAULT_TEMPLATES.fallback);
  });

  test('item order does not matter: shuffled items give the same catalog and questions stay in order', () => {
    // Prepare
    const reversed = [...demoItems].reverse();
    // Act
    const fromOriginal = validateCatalog(demoItems);
    const fromReversed = validateCatalog(reversed);
    // Assess
    expect(fromReversed.problems).toEqual([]);
    expect(fromReversed.catalog).toEqual(fromOriginal.catalog);
    expect(fromReversed.catalog.programs[0]!.questions.map((q) => q.field)).toEqual(['zip', 'meal', 'birthday', 'email', 'receipts']);
  });

  test('programsOnShortCode finds the demo program on 55155 and nothing on another code', () => {
    // Prepare
    const { catalog } = validateCatalog(demoItems);
    // Act
    const onDemoCode = programsOnShortCode(catalog, '55155');
    const elsewhere = programsOnShortCode(catalog, '99999');
    // Assess
    expect(onDemoCode.map((p) => p.programId)).toEqual(['krusty-burger']);
    expect(elsewhere).toEqual([]);
  });
});

interface BrokenCase {
  /** What the marketer got wrong. */
  case: string;
  extra: RawItem[];
  problems: { key: string; field: string; reason: string | RegExp }[];
  /** Programs that load, besides the demo one. */
  alsoLoaded?: string[];
}

const brokenCases: BrokenCase[] = [
  {
    case: 'a second program without helpContact',
    extra: [withoutKey(squishee(), 'helpContact')],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'helpContact', reason: /expected string/ }],
  },
  {
    case: 'a keyword that is a reserved compliance word',
    extra: [squishee({ keyword: 'STOP' })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'keyword', reason: 'is a reserved compliance word (STOP, HELP, START…)' }],
  },
  {
    case: 'a lower-case reserved keyword',
    extra: [squishee({ keyword: 'help' })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'keyword', reason: 'is a reserved compliance word (STOP, HELP, START…)' }],
  },
  {
    case: 'a keyword with a space',
    extra: [squishee({ keyword: 'SQUISHEE CLUB' })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'keyword', reason: 'must be 1-30 letters or digits' }],
  },
  {
    case: 'a 33-character keyword',
    extra: [squishee({ keyword: 'S'.repeat(33) })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'keyword', reason: 'must be 1-30 letters or digits' }],
  },
  {
    case: 'a placement for a word that is neither the keyword nor an alias',
    extra: [squishee({ placements: { slush: 'bus shelter, Main St', BILLBOARD: 'billboard I-55' } })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'placements.BILLBOARD', reason: "BILLBOARD is not this program's keyword or one of its aliases (SQUISHEE, SLUSH)" }],
  },
  {
    case: 'a placement longer than 80 characters',
    extra: [squishee({ placements: { SLUSH: 'x'.repeat(81) } })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'placements.SLUSH', reason: 'must be 1-80 characters' }],
  },
  {
    case: 'an empty placement',
    extra: [squishee({ placements: { SQUISHEE: '  ' } })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'placements.SQUISHEE', reason: 'must be 1-80 characters' }],
  },
  {
    case: 'a keyword placed twice in different cases',
    extra: [squishee({ placements: { slush: 'bus shelter', SLUSH: 'billboard' } })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'placements', reason: 'names a keyword twice (keys are read in upper case)' }],
  },
  ...['SHARE', 'invite', 'Refer'].map((word) => ({
    case: `${word} as a keyword (kept for subscribers asking for their invitation)`,
    extra: [squishee({ keyword: word })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'keyword', reason: 'is reserved for subscribers asking for their invitation to pass on (SHARE, INVITE, REFER)' }],
  })),
  {
    case: 'INVITE as an alias',
    extra: [squishee({ aliases: ['SLUSH', 'INVITE'] })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'aliases.1', reason: 'is reserved for subscribers asking for their invitation to pass on (SHARE, INVITE, REFER)' }],
  },
  {
    case: 'a reserved alias',
    extra: [squishee({ aliases: ['SLUSH', 'INFO'] })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'aliases.1', reason: 'is a reserved compliance word (STOP, HELP, START…)' }],
  },
  {
    case: 'a second program on 55155 reusing the keyword KRUSTY',
    extra: [squishee({ keyword: 'KRUSTY' })],
    problems: [
      { key: 'PROGRAM#krusty-burger / PROGRAM', field: 'keyword', reason: 'KRUSTY is also claimed by squishee on 55155; neither program answers to it until one is changed' },
      { key: 'PROGRAM#squishee / PROGRAM', field: 'keyword', reason: 'KRUSTY is also claimed by krusty-burger on 55155; neither program answers to it until one is changed' },
    ],
    alsoLoaded: ['squishee'],
  },
  {
    case: 'a second program on 55155 whose keyword is the demo alias',
    extra: [squishee({ keyword: 'krustyburger' })],
    problems: [
      { key: 'PROGRAM#krusty-burger / PROGRAM', field: 'aliases', reason: /^KRUSTYBURGER is also claimed by squishee on 55155/ },
      { key: 'PROGRAM#squishee / PROGRAM', field: 'keyword', reason: /^KRUSTYBURGER is also claimed by krusty-burger on 55155/ },
    ],
    alsoLoaded: ['squishee'],
  },
  {
    case: 'a second program on 55155 with an alias the demo program uses',
    extra: [squishee({ aliases: ['SLUSH', 'KRUSTYBURGER', 'KRUSTY'] })],
    problems: [
      { key: 'PROGRAM#krusty-burger / PROGRAM', field: 'keyword', reason: /^KRUSTY is also claimed by squishee/ },
      { key: 'PROGRAM#squishee / PROGRAM', field: 'aliases', reason: /^KRUSTY is also claimed by krusty-burger/ },
      { key: 'PROGRAM#krusty-burger / PROGRAM', field: 'aliases', reason: /^KRUSTYBURGER is also claimed by squishee/ },
      { key: 'PROGRAM#squishee / PROGRAM', field: 'aliases', reason: /^KRUSTYBURGER is also claimed by krusty-burger/ },
    ],
    alsoLoaded: ['squishee'],
  },
  {
    case: 'an offer whose discountPercent is a string',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'OFFER#fries', kind: 'cross-sell', copy: 'Free fries!', discountPercent: '20' }],
    problems: [{ key: 'PROGRAM#krusty-burger / OFFER#fries', field: 'discountPercent', reason: /expected number, received string/ }],
  },
  {
    case: 'an offer of an unknown kind',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'OFFER#xmas', kind: 'christmas', copy: 'Ho ho ho' }],
    problems: [{ key: 'PROGRAM#krusty-burger / OFFER#xmas', field: 'kind', reason: /welcome/ }],
  },
  {
    case: 'a template with an unknown placeholder',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#fallback', body: 'Sorry {nope}! Text {keyword} to join.' }],
    problems: [
      {
        key: 'PROGRAM#krusty-burger / TEMPLATE#fallback',
        field: 'body',
        reason: 'unknown placeholder {nope}; allowed: {programName}, {brandName}, {keyword}',
      },
    ],
  },
  {
    case: 'an image on a conversational reply (only welcome, coupon, referral-reward and thank-you texts may carry one)',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#fallback', body: 'Text {keyword} to join.', mediaUrl: 'https://cdn.example/x.jpg' }],
    problems: [{ key: 'PROGRAM#krusty-burger / TEMPLATE#fallback', field: 'mediaUrl', reason: 'only the welcome, coupon, referral-reward, thank-you texts may carry an image' }],
  },
  {
    case: 'a template image that is not https',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#coupon', body: '{brandName}: {offer} Code {code}.', mediaUrl: 'http://cdn.example/x.jpg' }],
    problems: [{ key: 'PROGRAM#krusty-burger / TEMPLATE#coupon', field: 'mediaUrl', reason: 'must be an https URL (the carrier fetches it)' }],
  },
  {
    case: 'an item with an unknown sk prefix',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'COUPON#free-fries', copy: 'Free fries' }],
    problems: [{ key: 'PROGRAM#krusty-burger / COUPON#free-fries', field: 'sk', reason: 'must start with PROGRAM, OFFER#, QUESTION#, TEMPLATE#, CAMPAIGN# or SWEEPSTAKES#' }],
  },
  {
    case: 'an item without sk',
    extra: [{ pk: 'PROGRAM#krusty-burger', copy: 'Free fries' }],
    problems: [{ key: 'PROGRAM#krusty-burger / (no sk)', field: 'sk', reason: 'must start with PROGRAM, OFFER#, QUESTION#, TEMPLATE#, CAMPAIGN# or SWEEPSTAKES#' }],
  },
  {
    case: 'an offer of a program that does not exist',
    extra: [{ pk: 'PROGRAM#ghost', sk: 'OFFER#welcome', kind: 'welcome', copy: 'Boo' }],
    problems: [{ key: 'PROGRAM#ghost / OFFER#welcome', field: 'pk', reason: 'no valid program item PROGRAM#ghost / PROGRAM' }],
  },
  {
    case: 'a question for an unknown profile field',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'QUESTION#shoe-size', order: 5, prompt: 'Shoe size?', example: '10' }],
    problems: [{ key: 'PROGRAM#krusty-burger / QUESTION#shoe-size', field: 'sk', reason: /must be QUESTION#zip/ }],
  },
  {
    case: 'an allowed country that is not an ISO 3166 alpha-2 code',
    extra: [squishee({ allowedCountries: 'US, USA' })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'allowedCountries.1', reason: 'must be an ISO 3166 alpha-2 country code such as US or CA' }],
  },
  {
    case: 'an allowed country code that does not exist',
    extra: [squishee({ allowedCountries: ['XX'] })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'allowedCountries.0', reason: 'must be an ISO 3166 alpha-2 country code such as US or CA' }],
  },
  {
    case: 'no allowed country at all',
    extra: [squishee({ allowedCountries: [] })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'allowedCountries', reason: /at least 1|>=1/ }],
  },
  {
    case: 'a reply limit of 0 (HELP must always be answered)',
    extra: [squishee({ replyLimitPerHour: 0 })],
    problems: [{ key: 'PROGRAM#squishee / PROGRAM', field: 'replyLimitPerHour', reason: /1/ }],
  },
  {
    case: 'a located offer naming a state code that does not exist',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'OFFER#lunch-il', kind: 'lunch', copy: 'Free fries', states: 'IL, XY' }],
    problems: [{ key: 'PROGRAM#krusty-burger / OFFER#lunch-il', field: 'states.1', reason: '"XY" is not a US state code (such as IL or WI)' }],
  },
  {
    case: 'a ZIP prefix with a letter in it',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'OFFER#lunch-627', kind: 'lunch', copy: 'Free fries', zipPrefixes: ['627', '62A'] }],
    problems: [{ key: 'PROGRAM#krusty-burger / OFFER#lunch-627', field: 'zipPrefixes.1', reason: '"62A" is not a ZIP prefix (1-5 digits, such as 627)' }],
  },
  {
    case: 'a ZIP prefix longer than a ZIP',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'OFFER#lunch-627', kind: 'lunch', copy: 'Free fries', zipPrefixes: '627011' }],
    problems: [{ key: 'PROGRAM#krusty-burger / OFFER#lunch-627', field: 'zipPrefixes.0', reason: '"627011" is not a ZIP prefix (1-5 digits, such as 627)' }],
  },
  {
    case: 'an empty list of states (nobody would ever get the offer)',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'OFFER#lunch-il', kind: 'lunch', copy: 'Free fries', states: [] }],
    problems: [{ key: 'PROGRAM#krusty-burger / OFFER#lunch-il', field: 'states', reason: 'must list at least one state code (or leave the attribute out)' }],
  },
  {
    case: 'a welcome offer naming where it applies (a welcome goes out before the ZIP is known)',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'OFFER#welcome-il', kind: 'welcome', copy: 'Free fries', states: 'IL' }],
    problems: [{ key: 'PROGRAM#krusty-burger / OFFER#welcome-il', field: 'states', reason: /^only lunch, post-purchase, birthday, cross-sell, referral-reward offers may name where they apply/ }],
  },
  {
    case: 'a profile reward naming ZIP prefixes',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'OFFER#shake-reward', kind: 'profile-reward', copy: 'Free shake', zipPrefixes: '627' }],
    problems: [{ key: 'PROGRAM#krusty-burger / OFFER#shake-reward', field: 'zipPrefixes', reason: /^only lunch, post-purchase, birthday, cross-sell, referral-reward offers may name where they apply/ }],
  },
  {
    case: 'a question whose reward names an offer that does not exist',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'QUESTION#email', order: 4, prompt: 'Your email? Get a free shake.', example: 'a@b.co', reward: 'OFFER#free-shake' }],
    problems: [{ key: 'PROGRAM#krusty-burger / QUESTION#email', field: 'reward', reason: 'no valid offer OFFER#free-shake in PROGRAM#krusty-burger' }],
  },
  {
    case: 'a question whose reward is not an offer key',
    extra: [{ pk: 'PROGRAM#krusty-burger', sk: 'QUESTION#email', order: 4, prompt: 'Your email? Get a free shake.', example: 'a@b.co', reward: 'free shake' }],
    problems: [{ key: 'PROGRAM#krusty-burger / QUESTION#email', field: 'reward', reason: 'must be the sk of an offer, such as OFFER#free-shake' }],
  },
];

describe('validateCatalog: broken items are reported and the rest still loads', () => {
  test.each(brokenCases)('$case', ({ extra, problems: expectedProblems, alsoLoaded = [] }) => {
    // Prepare
    const items = [...demoItems, ...extra];
    // Act
    const { catalog, problems } = validateCatalog(items);
    // Assess
    expect(problems).toEqual(
      expectedProblems.map((p) => ({
        key: p.key,
        field: p.field,
        reason: typeof p.reason === 'string' ? p.reason : expect.stringMatching(p.reason),
      })),
    );
    expect(catalog.programs.map((p) => p.programId).sort()).toEqual(['krusty-burger', ...alsoLoaded].sort());
    const demo = catalog.programs.find((p) => p.programId === 'krusty-burger')!;
    expect(demo.keyword).toBe('KRUSTY');
    expect(demo.aliases).toEqual(['KRUSTYBURGER']);
    expect(demo.questions.map((q) => q.field)).toEqual(['zip', 'meal', 'birthday', 'email', 'receipts']);
    expect(demo.offers.map((o) => o.offerId).sort()).toEqual(['birthday', 'lunch', 'referral', 'shake', 'thanks', 'welcome']);
  });

  test('a program skipped for a missing helpContact takes its offers, questions and templates with it', () => {
    // Prepare
    const items = [
      ...demoItems,
      withoutKey(squishee(), 'helpContact'),
      { pk: 'PROGRAM#squishee', sk: 'OFFER#welcome', kind: 'welcome', copy: 'Free Squishee' },
      { pk: 'PROGRAM#squishee', sk: 'TEMPLATE#fallback', body: 'Text {keyword}' },
    ];
    // Act
    const { catalog, problems } = validateCatalog(items);
    // Assess
    expect(catalog.programs.map((p) => p.programId)).toEqual(['krusty-burger']);
    expect(problems.map(({ key, field }) => ({ key, field }))).toEqual([
      { key: 'PROGRAM#squishee / PROGRAM', field: 'helpContact' },
      { key: 'PROGRAM#squishee / OFFER#welcome', field: 'pk' },
      { key: 'PROGRAM#squishee / TEMPLATE#fallback', field: 'pk' },
    ]);
  });

  test('a contested keyword answers for neither program, whatever order the items arrive in', () => {
    // Prepare
    const clashing = squishee({ keyword: 'KRUSTY' });
    // Act
    const clashLast = validateCatalog([...demoItems, clashing]);
    const clashFirst = validateCatalog([clashing, ...demoItems]);
    // Assess
    expect(clashFirst.problems).toEqual(clashLast.problems);
    const answering = Object.fromEntries(clashFirst.catalog.programs.map((p) => [p.programId, p.answersTo]));
    expect(answering).toEqual({ 'krusty-burger': ['KRUSTYBURGER'], squishee: ['SLUSH'] });
  });

  test('the same keyword on another short code is no clash', () => {
    // Prepare
    const items = [...demoItems, squishee({ keyword: 'KRUSTY', shortCode: '66166' })];
    // Act
    const { catalog, problems } = validateCatalog(items);
    // Assess
    expect(problems).toEqual([]);
    expect(programsOnShortCode(catalog, '66166').map((p) => p.keyword)).toEqual(['KRUSTY']);
  });

  test('an invalid template leaves the default copy in place', () => {
    // Prepare
    const items = [...demoItems, { pk: 'PROGRAM#krusty-burger', sk: 'TEMPLATE#fallback', body: 'Sorry {nope}!' }];
    // Act
    const { catalog } = validateCatalog(items);
    // Assess
    expect(catalog.programs[0]!.templates.fallback).toBe(DEFAULT_TEMPLATES.fallback);
  });
});

describe('validateCatalog: offers for places, and questions that earn a reward', () => {
  test('states and ZIP prefixes are read as marketers type them; a reward names an offer of the program', () => {
    // Prepare
    const items = [
      ...demoItems.map((item) => (item.sk === 'QUESTION#birthday' ? { ...item, reward: 'OFFER#free-shake' } : item)),
      { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#lunch-midwest', kind: 'lunch', copy: 'Free fries', states: 'il, wi ' },
      { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#lunch-springfield', kind: 'lunch', copy: 'Free shake', zipPrefixes: new Set(['627', '628']) },
      { pk: 'PROGRAM#krusty-burger', sk: 'OFFER#free-shake', kind: 'profile-reward', copy: 'A free Krusty Shake.' },
    ];
    // Act
    const { catalog, problems } = validateCatalog(items);
    // Assess
    expect(problems).toEqual([]);
    const program = catalog.programs[0]!;
    expect(program.offers.find((o) => o.offerId === 'lunch-midwest')).toMatchObject({ states: ['IL', 'WI'] });
    expect(program.offers.find((o) => o.offerId === 'lunch-springfield')).toMatchObject({ zipPrefixes: ['627', '628'] });
    expect(program.questions.find((q) => q.field === 'birthday')).toMatchObject({ reward: 'free-shake' });
    expect(program.questions.find((q) => q.field === 'zip')).not.toHaveProperty('reward');
  });
});

describe('validateCatalog: placements', () => {
  test('keys in any case are read upper-cased like keywords; the demo\'s alias has its billboard', () => {
    // Prepare
    const items = [...demoItems, squishee({ placements: { ' slush ': 'bus shelter, Main St', Squishee: '  window sticker  ' } })];
    // Act
    const { catalog, problems } = validateCatalog(items);
    // Assess
    expect(problems).toEqual([]);
    expect(catalog.programs.find((p) => p.programId === 'squishee')!.placements).toEqual({ SLUSH: 'bus shelter, Main St', SQUISHEE: 'window sticker' });
    expect(catalog.programs.find((p) => p.programId === 'krusty-burger')!.placements).toEqual({ KRUSTYBURGER: 'billboard I-55 northbound' });
  });

  test('a program without placements has none', () => {
    // Prepare
    const items = [...demoItems, squishee()];
    // Act
    const { catalog } = validateCatalog(items);
    // Assess
    expect(catalog.programs.find((p) => p.programId === 'squishee')!.placements).toEqual({});
  });
});

describe('validateCatalog: lists and keywords as marketers type them', () => {
  test.each([
    ['a comma-separated string', 'slush, brainfreeze ,  ', ['SLUSH', 'BRAINFREEZE']],
    ['a string set', new Set(['slush', 'BrainFreeze']), ['SLUSH', 'BRAINFREEZE']],
    ['a list', ['Slush'], ['SLUSH']],
    ['nothing', undefined, []],
  ])('aliases given as %s are read and upper-cased', (_case, aliases, expected) => {
    // Prepare
    const program = aliases === undefined ? withoutKey(squishee(), 'aliases') : squishee({ aliases });
    // Act
    const { catalog, problems } = validateCatalog([...demoItems, program]);
    // Assess
    expect(problems).toEqual([]);
    expect(catalog.programs.find((p) => p.programId === 'squishee')!.aliases).toEqual(expected);
  });

  test('a keyword in any case with spaces around it is stored trimmed and upper-cased', () => {
    // Prepare
    const program = squishee({ keyword: '  squishee ' });
    // Act
    const { catalog, problems } = validateCatalog([...demoItems, program]);
    // Assess
    expect(problems).toEqual([]);
    expect(catalog.programs.find((p) => p.programId === 'squishee')!.keyword).toBe('SQUISHEE');
  });

  test.each([
    ['a comma-separated string', 'us, ca', ['US', 'CA']],
    ['a string set', new Set(['US', 'pr']), ['US', 'PR']],
    ['a list', ['GB'], ['GB']],
    ['nothing (the default)', undefined, ['US']],
  ])('allowedCountries given as %s are read and upper-cased', (_case, allowedCountries, expected) => {
    // Prepare
    const program = allowedCountries === undefined ? squishee() : squishee({ allowedCountries });
    // Act
    const { catalog, problems } = validateCatalog([...demoItems, program]);
    // Assess
    expect(problems).toEqual([]);
    expect(catalog.programs.find((p) => p.programId === 'squishee')!.allowedCountries).toEqual(expected);
  });

  test('replyLimitPerHour is 3 unless the program says otherwise', () => {
    // Prepare
    const items = [...demoItems, squishee({ pk: 'PROGRAM#chatty', keyword: 'CHATTY', aliases: [], replyLimitPerHour: 10 }), squishee()];
    // Act
    const { catalog, problems } = validateCatalog(items);
    // Assess
    expect(problems).toEqual([]);
    const limits = Object.fromEntries(catalog.programs.map((p) => [p.programId, p.replyLimitPerHour]));
    expect(limits).toEqual({ 'krusty-burger': 3, chatty: 10, squishee: 3 });
  });

  test('meal choices given as a comma-separated string become a list', () => {
    // Prepare
    const items = demoItems.map((item) =>
      item.sk === 'QUESTION#meal' ? { ...item, choices: 'Burger, Chicken,Salad' } : item,
    );
    // Act
    const { catalog, problems } = validateCatalog(items);
    // Assess
    expect(problems).toEqual([]);
    expect(catalog.programs[0]!.questions.find((q) => q.field === 'meal')!.choices).toEqual(['Burger', 'Chicken', 'Salad']);
  });

  test('a meal question without choices is reported and dropped', () => {
    // Prepare
    const items = demoItems.map((item) => (item.sk === 'QUESTION#meal' ? withoutKey(item, 'choices') : item));
    // Act
    const { catalog, problems } = validateCatalog(items);
    // Assess
    expect(problems).toEqual<CatalogProblem[]>([
      { key: 'PROGRAM#krusty-burger / QUESTION#meal', field: 'choices', reason: 'the meal question needs at least one choice' },
    ]);
    expect(catalog.programs[0]!.questions.map((q) => q.field)).toEqual(['zip', 'birthday', 'email', 'receipts']);
  });
});
