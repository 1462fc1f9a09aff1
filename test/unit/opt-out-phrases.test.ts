import { validateCatalog } from '../../functions/domain/catalog';
import { classify, optOutClauses, type Intent } from '../../functions/domain/classify';
import { OPT_OUT_FILLERS, OPT_OUT_LEAD_WORDS, OPT_OUT_WORDS } from '../../functions/domain/compliance';

/**
 * The FCC's 2024 revocation order: any reasonable way of saying stop is an opt-out. Each row is a
 * text as people send it and what the gateway must read in it. Where a row could go either way, the
 * rule is: an opt-out when a reasonable person reading it in reply to a marketing text would take it
 * as "stop texting me"; otherwise chatter (a subscriber then gets the fallback, which says how to
 * opt out).
 */

/** The demo catalog: one program, keyword KRUSTY, alias KRUSTYBURGER, on 55155. */
const demo = validateCatalog(require('../../catalog/demo.json')).catalog.programs;
const noOptOut = { hasOptOut: false };

type Kind = Intent['kind'];

const OPT_OUT_WORD_SPELLINGS: [string, Kind][] = [
  ['STOP', 'opt-out-all'],
  ['stop', 'opt-out-all'],
  ['Stop.', 'opt-out-all'],
  ['stop?', 'opt-out-all'],
  ['STOP!!!', 'opt-out-all'],
  ['  stop  ', 'opt-out-all'],
  ['stop\u00a0', 'opt-out-all'],
  ['sToP', 'opt-out-all'],
  ['STOPALL', 'opt-out-all'],
  ['stop all', 'opt-out-all'],
  ['UNSUBSCRIBE!!!', 'opt-out-all'],
  ['unsub', 'opt-out-all'],
  ['Unsub!', 'opt-out-all'],
  ['un subscribe', 'opt-out-all'],
  ['CANCEL', 'opt-out-all'],
  ['cancel?', 'opt-out-all'],
  ['END', 'opt-out-all'],
  ['end.', 'opt-out-all'],
  ['QUIT', 'opt-out-all'],
  ['quit!', 'opt-out-all'],
  ['REVOKE', 'opt-out-all'],
  ['OPTOUT', 'opt-out-all'],
  ['OPT-OUT', 'opt-out-all'],
  ['opt out', 'opt-out-all'],
  ['Opt Out!', 'opt-out-all'],
  ['ARRET', 'opt-out-all'],
  ['Arrêt', 'opt-out-all'],
  ['ARRÊT', 'opt-out-all'],
  ['arrêtez', 'opt-out-all'],
  ['Arrêt svp', 'opt-out-all'],
  ['REMOVE', 'opt-out-all'],
  ['Remove!', 'opt-out-all'],
  ['enough!', 'opt-out-all'],
  ['Stahp', 'opt-out-all'],
];

const NORMALISED_SPELLINGS: [string, Kind][] = [
  ['ＳＴＯＰ', 'opt-out-all'], // full-width
  ['Ｓｔｏｐ', 'opt-out-all'],
  ['ｓｔｏｐ ｐｌｅａｓｅ', 'opt-out-all'],
  ['𝐒𝐓𝐎𝐏', 'opt-out-all'], // mathematical bold
  ['ⓢⓣⓞⓟ', 'opt-out-all'], // circled
  ['S\u200BTOP', 'opt-out-all'], // zero-width space inside
  ['S T O P', 'opt-out-all'],
  ['s t o p', 'opt-out-all'],
  ['s.t.o.p', 'opt-out-all'],
  ['S. T. O. P.', 'opt-out-all'],
  ['S-T-O-P', 'opt-out-all'],
  ['U N S U B S C R I B E', 'opt-out-all'],
  ['stoppp', 'opt-out-all'],
  ['STOOOP', 'opt-out-all'],
  ['sstop', 'opt-out-all'],
  ['stopp', 'opt-out-all'],
  ['pleeeease stop', 'opt-out-all'],
  ['nooo maaas', 'opt-out-all'],
  ['take me offff your list', 'opt-out-all'],
  ['STOP!!! 😡', 'opt-out-all'],
  ['🛑 stop', 'opt-out-all'],
  ['Stop 🛑', 'opt-out-all'],
  ['🛑', 'opt-out-all'],
  ['🛑🛑🛑', 'opt-out-all'],
  ['😡😡😡 STOP 😡😡😡', 'opt-out-all'],
  ['STOP 🙏', 'opt-out-all'],
  ['Don\u2019t text me', 'opt-out-all'], // curly apostrophe (iOS smart punctuation)
  ['\u201CSTOP\u201D', 'opt-out-all'], // curly double quotes
  ['stoop', 'other'], // a real word, not a stretched STOP
];

const ENGLISH_PHRASES: [string, Kind][] = [
  ['Please stop', 'opt-out-all'],
  ['please stop!', 'opt-out-all'],
  ['Please, stop.', 'opt-out-all'],
  ['PLEASE STOP', 'opt-out-all'],
  ['stop please', 'opt-out-all'],
  ['Stop pls', 'opt-out-all'],
  ['plz stop', 'opt-out-all'],
  ['I said stop', 'opt-out-all'],
  ['I SAID STOP!!!', 'opt-out-all'],
  ['I said STOP already', 'opt-out-all'],
  ['I asked you to stop', 'opt-out-all'],
  ['stop it', 'opt-out-all'],
  ['Stop it!', 'opt-out-all'],
  ['stop it now', 'opt-out-all'],
  ['just stop', 'opt-out-all'],
  ['ok stop', 'opt-out-all'],
  ['STOP STOP STOP', 'opt-out-all'],
  ['stop, stop', 'opt-out-all'],
  ['Stop. Now.', 'opt-out-all'],
  ['stop. please.', 'opt-out-all'],
  ['stop thank you', 'opt-out-all'],
  ['no thanks, stop', 'opt-out-all'],
  ["stop y'all", 'opt-out-all'],
  ['can you stop', 'opt-out-all'],
  ['Can you please stop?', 'opt-out-all'],
  ['could you stop', 'opt-out-all'],
  ['you need to stop', 'opt-out-all'],
  ["why don't you stop", 'opt-out-all'],
  ["why won't you stop texting me", 'opt-out-all'],
  ["I'd like to stop", 'opt-out-all'],
  ['stop texting me', 'opt-out-all'],
  ['Stop texting me!', 'opt-out-all'],
  ['STOP TEXTING', 'opt-out-all'],
  ['stop txting me', 'opt-out-all'],
  ['stop messaging me', 'opt-out-all'],
  ['stop contacting me', 'opt-out-all'],
  ['stop sending so many', 'opt-out-all'],
  ['stop sending me coupons', 'opt-out-all'],
  ['stop spamming me', 'opt-out-all'],
  ['stop with the coupons', 'opt-out-all'],
  ['stop the deals', 'opt-out-all'],
  ['stop all these messages', 'opt-out-all'],
  ['quit texting me', 'opt-out-all'],
  ['quit it', 'opt-out-all'],
  ['end these texts', 'opt-out-all'],
  ['end it', 'opt-out-all'],
  ['pause the texts', 'opt-out-all'],
  ['put a stop to these texts', 'opt-out-all'],
  ['opt me out', 'opt-out-all'],
  ['Opt me out please', 'opt-out-all'],
  ['I want to opt out', 'opt-out-all'],
  ['i would like to opt out', 'opt-out-all'],
  ['how do I opt out?', 'opt-out-all'],
  ['unsubscribe me', 'opt-out-all'],
  ['Please unsubscribe me', 'opt-out-all'],
  ["I'd like to unsubscribe", 'opt-out-all'],
  ['how do I unsubscribe?', 'opt-out-all'],
  ['how do i stop these texts', 'opt-out-all'],
  ['revoke my consent', 'opt-out-all'],
  ['cancel please', 'opt-out-all'],
  ['cancel everything', 'opt-out-all'],
  ['i want to cancel', 'opt-out-all'],
  ['cancel my subscription', 'opt-out-all'],
  ['take me off your list', 'opt-out-all'],
  ['take me off', 'opt-out-all'],
  ['remove me', 'opt-out-all'],
  ['Remove me from this list.', 'opt-out-all'],
  ['please remove my number', 'opt-out-all'],
  ['delete my number', 'opt-out-all'],
  ['lose my number', 'opt-out-all'],
  ['count me out', 'opt-out-all'],
  ['I want out', 'opt-out-all'],
  ['wrong number', 'opt-out-all'],
  ['Sorry, wrong number', 'opt-out-all'],
  ['wrong #', 'opt-out-all'],
  ['wrong person', 'opt-out-all'],
  ['this number is wrong', 'opt-out-all'],
  ["don't text me", 'opt-out-all'],
  ['dont text me', 'opt-out-all'],
  ['Do not text me again', 'opt-out-all'],
  ["please don't text me anymore", 'opt-out-all'],
  ['never text me again', 'opt-out-all'],
  ["don't message me", 'opt-out-all'],
  ["don't contact me", 'opt-out-all'],
  ["i dont want your messages anymore", 'opt-out-all'],
  ['no more texts', 'opt-out-all'],
  ['NO MORE TEXTS PLEASE', 'opt-out-all'],
  ['No more messages please', 'opt-out-all'],
  ['no more text messages', 'opt-out-all'],
  ['No more!', 'opt-out-all'],
  ['too many texts', 'opt-out-all'],
  ["I'm done with these texts", 'opt-out-all'],
  ['leave me alone', 'opt-out-all'],
  ['not interested', 'opt-out-all'],
  ['Not interested, thanks', 'opt-out-all'],
  ["I'm not interested", 'opt-out-all'],
  ['I never signed up for this', 'opt-out-all'],
  ["I didn't sign up for this", 'opt-out-all'],
  ['this is spam', 'opt-out-all'],
  ['Who is this? Stop.', 'opt-out-all'],
  ['stop. who is this', 'opt-out-all'],
  ['I said stop, the texts keep coming', 'opt-out-all'],
  ["the texts didn't stop after I said stop", 'opt-out-all'],
  ["if you don't stop texting me I'll report you", 'opt-out-all'],
  ['shut up', 'opt-out-all'],
];

const SPANISH_PHRASES: [string, Kind][] = [
  ['PARAR', 'opt-out-all'],
  ['parar', 'opt-out-all'],
  ['¡Para!', 'opt-out-all'],
  ['para ya', 'opt-out-all'],
  ['CANCELAR', 'opt-out-all'],
  ['cancelar por favor', 'opt-out-all'],
  ['quiero cancelar', 'opt-out-all'],
  ['cancelar suscripción', 'opt-out-all'],
  ['BASTA', 'opt-out-all'],
  ['¡Basta!', 'opt-out-all'],
  ['ya basta', 'opt-out-all'],
  ['basta ya', 'opt-out-all'],
  ['basta de mensajes', 'opt-out-all'],
  ['ALTO', 'opt-out-all'],
  ['Alto, por favor', 'opt-out-all'],
  ['NO MÁS', 'opt-out-all'],
  ['no más', 'opt-out-all'],
  ['NO MAS', 'opt-out-all'],
  ['¡No más!', 'opt-out-all'],
  ['nomás', 'opt-out-all'],
  ['no más mensajes', 'opt-out-all'],
  ['No me manden más mensajes', 'opt-out-all'],
  ['no me manden mensajes', 'opt-out-all'],
  ['no me envíen mensajes', 'opt-out-all'],
  ['no me escriban', 'opt-out-all'],
  ['dejen de enviar mensajes', 'opt-out-all'],
  ['dejen de enviarme mensajes', 'opt-out-all'],
  ['deja de mandarme mensajes', 'opt-out-all'],
  ['dejen de mandarme promociones', 'opt-out-all'],
  ['no quiero más mensajes', 'opt-out-all'],
  ['no quiero recibir mensajes', 'opt-out-all'],
  ['ya no', 'opt-out-all'],
  ['Ya no.', 'opt-out-all'],
  ['ya no gracias', 'opt-out-all'],
  ['ya no quiero', 'opt-out-all'],
  ['ya no me manden nada', 'opt-out-all'],
  ['BAJA', 'opt-out-all'],
  ['baja por favor', 'opt-out-all'],
  ['darme de baja', 'opt-out-all'],
  ['quiero darme de baja', 'opt-out-all'],
  ['dame de baja', 'opt-out-all'],
  ['me quiero dar de baja', 'opt-out-all'],
  ['desuscribirme', 'opt-out-all'],
  ['bórrenme de la lista', 'opt-out-all'],
  ['sácame de la lista', 'opt-out-all'],
  ['eliminar mi número', 'opt-out-all'],
  ['número equivocado', 'opt-out-all'],
  ['no me interesa', 'opt-out-all'],
  ['déjenme en paz', 'opt-out-all'],
  ['STOP por favor', 'opt-out-all'],
];

/** Ordinary sentences that mention a stop word: not opt-outs. */
const NOT_OPT_OUTS: [string, Kind][] = [
  ["don't stop the deals", 'other'],
  ["I can't stop eating your fries", 'other'],
  ["can't stop won't stop", 'other'],
  ['I love these deals, never stop', 'other'],
  ["Don't ever stop sending deals", 'other'],
  ['please don\u2019t stop texting me', 'other'],
  ["can't wait for the deals, don't stop", 'other'],
  ['i never want to stop getting these', 'other'],
  ["I don't want to unsubscribe", 'other'],
  ['stop by later?', 'other'],
  ['Can you stop by later?', 'other'],
  ['Stop in for lunch?', 'other'],
  ['We stop at Krusty every Friday', 'other'],
  ['what time do you stop serving breakfast', 'other'],
  ['the bus stop on 5th', 'other'],
  ['my bus stop is right by Krusty', 'other'],
  ['end of the month?', 'other'],
  ['When does the offer end?', 'other'],
  ["that's the end of my lunch break", 'other'],
  ['the end', 'other'],
  ['weekend deals?', 'other'],
  ['no more fries left lol', 'other'],
  ['No more fries?', 'other'],
  ['no más papas fritas lol', 'other'],
  ['cancel my order', 'other'],
  ['can I cancel my order?', 'other'],
  ['please remove onions', 'other'],
  ['I quit smoking thanks to your salads', 'other'],
  ["I didn't ask for pickles", 'other'],
  ["I'm out of fries", 'other'],
  ['para llevar', 'other'],
  ['alto en calorías?', 'other'],
  ['stopwatch', 'other'],
  ['who is this?', 'other'],
  ['how did you get my number?', 'other'],
  // Declining or answering, not leaving: a profile question may be waiting for exactly this.
  ['no', 'other'],
  ['No thanks', 'other'],
  ['nope', 'other'],
  ['more deals please', 'other'],
  ['hello', 'other'],
  ['62701', 'other'],
];

/** The words around opting out keep their own meaning. */
const OTHER_INTENTS: [string, Kind][] = [
  ['STOP KRUSTY', 'opt-out-program'],
  ['stop krusty burger', 'opt-out-program'],
  ['please stop krusty', 'opt-out-program'],
  ['STOPKRUSTY', 'opt-out-program'],
  ['ＳＴＯＰ ＫＲＵＳＴＹ', 'opt-out-program'],
  ['Krusty stop', 'opt-out-program'],
  ['STOP SQUISHEE', 'opt-out-all'],
  ['UNSTOP', 'opt-in'],
  ['START', 'opt-in'],
  ['AYUDA', 'help'],
  ['¿Ayuda?', 'help'],
  ['ayuda por favor', 'help'],
  ['Help, please', 'help'],
  ['KRUSTY', 'keyword'],
  ['ＫＲＵＳＴＹ', 'keyword'],
];

describe.each([
  ['opt-out words, however typed', OPT_OUT_WORD_SPELLINGS],
  ['normalised spellings: full-width, spaced, stretched, emoji, curly quotes', NORMALISED_SPELLINGS],
  ['English phrases', ENGLISH_PHRASES],
  ['Spanish phrases', SPANISH_PHRASES],
  ['sentences that mention stopping but do not opt out', NOT_OPT_OUTS],
  ['STOP <keyword>, HELP, START and keywords', OTHER_INTENTS],
])('classify: %s', (_table, rows) => {
  it.each(rows)('%j is %s', (text, expected) => {
    // Prepare
    const programs = demo;
    // Act
    const intent = classify(text, programs, noOptOut);
    // Assess
    expect(intent.kind).toBe(expected);
  });
});

describe('classify: the table', () => {
  it('holds at least 150 real phrasings, positive and negative', () => {
    // Prepare
    const rows = [...OPT_OUT_WORD_SPELLINGS, ...NORMALISED_SPELLINGS, ...ENGLISH_PHRASES, ...SPANISH_PHRASES, ...NOT_OPT_OUTS];
    // Act
    const negatives = rows.filter(([, kind]) => kind !== 'opt-out-all');
    // Assess
    expect(rows.length).toBeGreaterThanOrEqual(150);
    expect(negatives.length).toBeGreaterThanOrEqual(40);
    expect(new Set(rows.map(([text]) => text)).size).toBe(rows.length);
  });
});

describe('classify: the lists in compliance.ts', () => {
  it.each([...OPT_OUT_WORDS, ...OPT_OUT_LEAD_WORDS])('%j alone opts out of every program', (word) => {
    // Prepare
    const text = word;
    // Act
    const intent = classify(text, demo, noOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'opt-out-all' });
  });

  it.each([...OPT_OUT_FILLERS])('the filler %j alone is no opt-out', (filler) => {
    // Prepare
    const text = filler;
    // Act
    const intent = classify(text, demo, noOptOut);
    // Assess
    expect(intent.kind).not.toBe('opt-out-all');
  });
});

describe('classify: stop-like texts that are not opt-outs are flagged for the fallback', () => {
  it.each([
    ['stop by later?', true],
    ["I can't stop eating your fries", true],
    ['cancel my order', true],
    ['the bus stop on 5th', true],
    ['I quit smoking thanks to your salads', true],
    ['alto en calorías?', true],
    ['hello', false],
    ['end of the month?', false],
    ['no more fries left lol', false],
    ['para llevar', false],
  ])('%j mentions stopping: %s', (text, mentionsStop) => {
    // Prepare
    const programs = demo;
    // Act
    const intent = classify(text, programs, noOptOut);
    // Assess
    expect(intent).toEqual({ kind: 'other', text: text.trim(), ...(mentionsStop ? { mentionsStop: true } : {}) });
  });
});

describe('optOutClauses: what the opt-out rules read', () => {
  it.each([
    ['ＳＴＯＰ', ['stop']],
    ['S T O P', ['stop']],
    ['s.t.o.p', ['stop']],
    ['ARRÊT', ['arret']],
    ['NO MÁS', ['no mas']],
    ['STOP!!! 😡', ['stop']],
    ['🛑 stop', ['stop']],
    ['stoppp', ['stop']],
    ['STOOOP', ['stop']],
    ['don\u2019t text me', ['dont text me']],
    ['Who is this? Stop.', ['who is this', 'stop']],
    ['I said: STOP', ['i said', 'stop']],
    ['a b', ['a b']],
    ['', []],
  ])('%j reads as %j', (text, clauses) => {
    // Prepare
    const raw = text;
    // Act
    const read = optOutClauses(raw);
    // Assess
    expect(read).toEqual(clauses);
  });
});
