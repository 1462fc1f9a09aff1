/**
 * Carrier and FCC rules as data: keyword sets and the wording of the messages every program must
 * send. Everything compliance-related that a test or an auditor asks about lives here.
 */

/**
 * Opting out (the FCC's 2024 revocation order: any reasonable way of saying stop revokes consent).
 * classify() normalises every text before these lists are consulted: Unicode NFKC (full-width and
 * styled letters), lower case, accents folded (ARRÊT is ARRET, NO MÁS is NO MAS), curly quotes
 * straightened and apostrophes dropped inside words (don't is dont), spaced or dotted letters joined
 * ("S T O P", "s.t.o.p"), letters stretched three times or more read as the word they stretch
 * ("stoooop"), emoji and punctuation dropped. The text is then cut into clauses at sentence
 * punctuation ("Who is this? Stop." has two) and each clause is read on its own:
 *   1. spans in NOT_OPT_OUT_SPANS are blanked out ("can't stop", "stop by", "bus stop");
 *   2. OPT_OUT_PHRASES anywhere in what is left opt out;
 *   3. a clause made only of OPT_OUT_WORDS and OPT_OUT_FILLERS opts out ("please stop", "STOP!!!");
 *   4. a clause that starts, after fillers, with one of OPT_OUT_LEAD_WORDS opts out ("stop sending
 *      so many", "can you stop", "cancel it all").
 * "STOP <keyword>" opts out of that one program on a shared short code (classify decides it first).
 */

/**
 * A whole message made of these (with fillers) opts out of every program on the short code; none of
 * them may be a program keyword. CTIA/carrier list first, then English, Spanish and French words a
 * reasonable person uses for stop. Written as typed after accent folding.
 */
export const OPT_OUT_WORDS = [
  'STOP', 'STOPALL', 'STOP ALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE',
  'OPTOUT', 'OPT-OUT', 'OPT OUT', 'ARRET', 'REMOVE',
  'UNSUB', 'ENOUGH', 'NO MORE', 'SHUT UP',
  'PARAR', 'PARA', 'CANCELAR', 'BASTA', 'ALTO', 'NO MAS', 'YA NO', 'BAJA',
] as const;

/**
 * Verbs that opt out when a clause starts with them (after fillers), whatever follows, unless a
 * NOT_OPT_OUT_SPANS entry blanked them: "stop sending so many", "cancel everything", "stop. who is this".
 * END, REMOVE, PARA, ALTO and BASTA are not here: "end of the month?", "remove the pickles", "para
 * llevar" and "alto en calorías" are ordinary sentences; alone they still opt out.
 */
export const OPT_OUT_LEAD_WORDS = [
  'stop', 'stopall', 'unsubscribe', 'unsub', 'cancel', 'quit', 'revoke', 'optout',
  'stahp', 'arret', 'arrete', 'arretez', 'cancelar', 'cancela', 'cancelen', 'cancelo',
  'desuscribir', 'desuscribirme', 'desuscribanme',
] as const;

/**
 * Words and phrases that add nothing to a stop: politeness, insistence, "I said", "can you",
 * "I want to", "how do I", and their Spanish counterparts. They only ever shorten a clause to its
 * opt-out word; they never make an opt-out on their own.
 */
export const OPT_OUT_FILLERS = [
  'please', 'pls', 'plz', 'plz plz', 'plse', 'pleas', 'plox', 'pretty please', 'por favor', 'porfa', 'porfavor', 'favor',
  'just', 'only', 'ok', 'okay', 'k', 'kk', 'alright', 'so', 'and', 'now', 'right now', 'already', 'again', 'asap',
  'immediately', 'right away', 'seriously', 'srsly', 'really', 'hey', 'hi', 'hello', 'yo', 'oh', 'omg', 'oh my god',
  'ugh', 'um', 'uh', 'lol', 'lmao', 'haha', 'wtf', 'ffs', 'dude', 'bro', 'man', 'guys', 'you guys', 'u guys', 'yall',
  'sir', 'maam', 'thanks', 'thx', 'ty', 'thank you', 'thank u', 'no thanks', 'no thank you', 'gracias', 'no gracias',
  'no', 'nah', 'nope', 'yes', 'yeah', 'yea', 'i said', 'i already said', 'like i said', 'i told you', 'i told u',
  'i asked you to', 'i asked u to', 'i mean', 'for real', 'for the last time', 'me', 'it', 'this', 'that', 'these',
  'those', 'all', 'all of it', 'everything', 'reply', 'text', 'can you', 'can u', 'could you', 'could u', 'will you',
  'will u', 'would you', 'would u', 'you can', 'u can', 'you need to', 'u need to', 'you should', 'you must',
  'i want to', 'i wanna', 'i want you to', 'i want u to', 'i need you to', 'i need u to', 'i need to',
  'i would like to', 'i would like you to', 'id like to', 'id like you to', 'i wish to', 'i want', 'how do i',
  'how can i', 'how to', 'how do you', 'where do i', 'let me', 'lemme', 'why wont you', 'why dont you',
  'why cant you', 'ya', 'ahora', 'ahorita', 'oye', 'hola', 'solo', 'quiero', 'quisiera', 'necesito', 'deseo',
  'me pueden', 'pueden', 'puede', 'podrian', 'podria', 'como', 'como puedo', 'todo', 'eso',
  'esto', 'svp', 'merci', 'sil vous plait',
] as const;

/** The texts themselves, as a clause names them. */
const TEXTS = '(?:texts?|txts?|messages?|msgs?|sms|spam|promos?|promotions?|notifications?|alerts?|marketing|ads)';
/** What "stop …" may be followed by: the texts, the act of texting, or what they carry. */
const MESSAGES =
  `(?:${TEXTS}|texting|txting|messaging|msging|sending|contacting|calling|emailing|spamming|bugging|bothering|` +
  'harass\\w*|coupons?|deals|offers|adverts?|reminders?)';
const MENSAJES = '(?:mensajes?|textos?|sms|promociones|ofertas|cupones|spam|notificaciones|alertas)';
const STOP_VERBS = '(?:stop\\w*|quit\\w*|cancel\\w*|unsub\\w*|opt ?out|end|remove|revoke)';

/**
 * Opt-out anywhere in a clause (after NOT_OPT_OUT_SPANS are blanked): each reads as a request to stop
 * texting whatever surrounds it. Patterns run on the normalised clause (lower case, no accents or
 * punctuation, single spaces, "don't" spelt dont).
 */
export const OPT_OUT_PHRASES: readonly RegExp[] = [
  // stop texting me, stop sending so many, quit spamming, stop all these messages, pause the deals
  new RegExp(`\\b(?:stop|stopall|quit|cease|end|halt|pause)\\b(?: \\w+){0,3}? ${MESSAGES}\\b`),
  // unsubscribe me, I want to opt out, revoke my consent, desuscribirme, me désabonner
  /\b(?:un ?subscrib\w*|unsub|unsubcribe\w*|unsuscribe\w*|unsubscibe\w*|opt ?out|revoke\w*|desuscrib\w*|desinscrib\w*|desabonn\w*)\b/,
  /\bopt (?:me|us|my number|this number) out\b/,
  // take me off your list, remove me from this, count me out, delete my number
  /\b(?:remove|delete|erase|take|get|sign|count|cross|scratch|strike|drop) (?:me|us|my (?:number|phone|cell|info|name|contact)|this (?:number|phone)) (?:off|out|from)\b/,
  /\b(?:remove|delete|erase|lose|forget|drop) (?:me|us|my (?:number|phone|cell|info|contact)|this (?:number|phone|contact))\b/,
  /\b(?:be|get|been|am|im|getting|being) (?:removed|unsubscribed|deleted|taken off|opted out)\b/,
  /\b(?:off|out of) (?:your|ur|the|this|that|these|ya) (?:\w+ )?list\b/,
  /\b(?:i want|i wanna|let me|get me|i need|im) out\b(?! of)/,
  /\bleave (?:me|us) (?:alone|be)\b/,
  /^(?:please |pls |just )?go away(?: please| pls| now)?$/,
  // not interested; but "not interested in the salad" is about the salad
  /\bnot interested\b(?! in\b)/,
  new RegExp(`\\bnot interested in (?:(?:\\w+ ){0,2}${TEXTS}\\b|(?:this|that|it|any of (?:this|it|that))$)`),
  /\bwrong (?:number|person|phone|guy|girl|contact|num)\b/,
  /\b(?:number|phone) is wrong\b/,
  // don't text me, never message me again, no longer contact me
  /\b(?:dont|do not|never|no longer)(?: ever)?(?: again)? (?:text|txt|message|msg|sms|contact|spam|bother|bug|harass)\w*\b/,
  /\b(?:dont|do not|never|no longer)(?: ever)?(?: again)? (?:send|call|email)\w*(?: (?:me|us|this number|anything|any more|anymore|more|stuff)\b|$)/,
  // I don't want these texts, no longer want your messages
  new RegExp(`\\b(?:dont|do not|no longer|never)(?: really)? (?:want|need|wish|like)(?: to (?:get|receive|have))?(?: (?:any|these|those|your|ur|the|this|that|more|anymore))* ${TEXTS}\\b`),
  new RegExp(`\\bno more (?:\\w+ )?${TEXTS}\\b`),
  new RegExp(`\\bno ${TEXTS} (?:please|pls|plz|anymore|ever|again|thanks|thank you)\\b`),
  new RegExp(`\\b(?:too many|enough|done with|finished with|through with)(?: (?:these|the|your|ur|all|all these|all the|all your|all of your|of your|of these|of the))? ${TEXTS}\\b`),
  // I said stop, I told you to unsubscribe me
  new RegExp(`\\b(?:said|told you to|told u to|asked you to|asked u to|asked to|texted) ${STOP_VERBS}\\b`),
  // I never signed up for this (but "I didn't ask for pickles" is about pickles)
  new RegExp(
    `\\b(?:didnt|did not|never) (?:sign(?:ed)? up|subscribed?|opt(?:ed)? in|ask(?:ed)? for|agreed?|consent(?:ed)?)(?: (?:for|to))?` +
      `(?: (?:this|these|that|it|those|any of (?:this|these|it))(?: \\w+)?| ${MESSAGES})?$`,
  ),
  /\b(?:cancel|end|stop|terminate|close|delete)\w* (?:my |the |this |your |ur )?(?:subscription|membership|account|enrollment|number)\b/,
  /\bput (?:a|an) (?:stop|end) to\b/,
  /\b(?:this is|thats|its|such|total|fucking) spam\b/,
  // Spanish: no me manden mensajes, dejen de enviarme mensajes, quiero darme de baja, ya no quiero
  /\bno me (?:manden|mandes|mande|envien|envies|envie|escriban|escribas|escriba|contacten|contactes|contacte|molesten|molestes|moleste|textees|texteen|llamen|llames)\b/,
  /\b(?:dejen|deja|deje|dejar|dejes|paren|pare|para|parar|deten|detengan|basta) de (?:enviar|mandar|escribir|textear|molestar|contactar|llamar)\w*/,
  /\bde baja\b/,
  /\b(?:quiero|pido|solicito|necesito|dame|denme|deme)(?: la| mi)? baja\b/,
  /\bya no (?:quiero|deseo|me|mas|manden|mandes|envien|envies|escriban|molesten|recibir)\b/,
  new RegExp(`\\bno (?:quiero|deseo|necesito)(?: (?:recibir|mas|ningun|ninguna|sus|tus|estos|esos|los|las))* ${MENSAJES}\\b`),
  new RegExp(`\\bno mas (?:\\w+ )?${MENSAJES}\\b`),
  new RegExp(`\\b(?:basta|suficiente) (?:de|con) (?:\\w+ )?${MENSAJES}\\b`),
  /\bnumero equivocado\b/,
  /\bno (?:me )?interesa\b/,
  /\b(?:dejame|dejenme|dejeme|dejanos|dejennos) en paz\b/,
  /\b(?:borrame|borrenme|eliminame|eliminenme)\b/,
  /\b(?:sacame|saquenme|sacarme|quitame|quitenme|quitarme) de (?:la|su|tu|sus|esta|este)\b/,
  new RegExp(`\\b(?:cancelar|cancela|cancelen|cancelo|cancele|anular|anula) (?:mi |la |el |mis |las |los |esta |este )?(?:suscripcion|subscripcion|membresia|cuenta|${MENSAJES})\\b`),
  /\b(?:eliminar|eliminen|elimina|borrar|borren|borra|quitar|quiten|quita|sacar|saquen|saca)(?:me)? (?:mi|este) (?:numero|telefono|celular)\b/,
];

/**
 * Spans blanked out before a clause is read, because the stop word in them is not about the texts:
 * a negation ("don't stop the deals", "I can't stop eating your fries"; but "if you don't stop" is a
 * threat, kept), a place or a visit ("bus stop", "stop by later?"), a business's hours ("what time
 * do you stop serving breakfast"), a date ("end of the month"), an order ("cancel my order").
 */
export const NOT_OPT_OUT_SPANS: readonly RegExp[] = [
  new RegExp(
    `(?<!\\bif (?:you|u|ya) )\\b(?:dont|do not|never|cant|cannot|can not|couldnt|could not|shouldnt|should not|wouldnt)` +
      `(?: ever| even| really| just)?(?: want to| wanna| need to| have to| gonna| going to| plan to| mean to)?(?: be)? ${STOP_VERBS}\\b`,
    'g',
  ),
  /\b(?:bus|truck|pit|rest|next|last|first|one|non|full|train|subway|tram|metro|quick|whistle) stops?\b/g,
  /\bstop(?:s|ped|ping)? (?:by|in|at|over|off at|into|eating|being|serving|selling|making|offering|carrying|sign|signs|light|lights|smiling|laughing|thinking|craving|loving|working|growing)\b/g,
  /\b(?:what time|how late|till what time|until what time) (?:do|does|will|did) (?:you|u|ya|they|it|yall|you guys) (?:stop|end|quit|close)\b/g,
  /\bend(?:s|ed|ing)? (?:of|up|date|time)\b/g,
  /\bcancel\w* (?:my |the |our |this |that |an |a )?(?:order|orders|reservation|appointment|pickup|pick up|delivery|booking|catering|party|meeting|plans?)\b/g,
  /\bcancel\w* (?:mi |el |la |mis |este |esta )?(?:pedido|orden|reservacion|reserva|cita|entrega)\b/g,
  /\bquit(?:ting)? (?:smoking|drinking|my job|my diet|work|sugar|carbs|soda|meat)\b/g,
];

/**
 * Texts that mention stopping without clearly opting out ("stop by later?", "I can't stop eating
 * your fries"): a subscriber gets the fallback, which says how to opt out, a few times a day even
 * after the day's ordinary fallback.
 */
export const STOP_HINT = /\b(?:stop\w*|cancel\w*|quit\w*|unsub\w*|opt ?out|revoke\w*|baja|basta|parar|alto|arret\w*|remove)\b/;

/** A reply that must say how to opt out (the subscriber's fallback): the hint is appended when copy lacks it. */
export function withOptOutHint(text: string): string {
  return /\bSTOP\b/.test(text) ? text : `${sentence(text)} Reply STOP to opt out.`;
}

export const HELP_WORDS = ['HELP', 'INFO', 'AIDE', 'AYUDA'] as const;

/**
 * A subscriber asking for their own invitation to pass on (their referral code): the whole text, any
 * case, punctuation around it allowed. No program or sweepstakes may claim these as keywords.
 */
export const SHARE_WORDS = ['SHARE', 'INVITE', 'REFER'] as const;

/** START and UNSTOP always opt back in; YES only when an opt-out exists to undo. */
export const OPT_IN_WORDS = ['START', 'UNSTOP'] as const;
export const CONDITIONAL_OPT_IN_WORDS = ['YES'] as const;

/** Words no program may claim as its keyword or alias: each one alone already means something else. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  [...OPT_OUT_WORDS, ...OPT_OUT_LEAD_WORDS, ...HELP_WORDS, ...OPT_IN_WORDS, ...CONDITIONAL_OPT_IN_WORDS, 'SKIP'].map((word) =>
    word.replace(/[\s-]/g, '').toUpperCase(),
  ),
);

export const KEYWORD_PATTERN = /^[A-Z0-9]{1,30}$/;

export const RATES_DISCLOSURE = 'Msg&data rates may apply.';

export interface DisclosureFacts {
  name: string;
  frequency: string;
  helpContact: string;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** Opt-in confirmation: the marketer's intro, then the disclosures carriers require. */
export function optInConfirmation(intro: string, facts: DisclosureFacts): string {
  const named = intro.includes(facts.name) ? intro : `${facts.name}: ${intro}`;
  return `${sentence(named)} ${sentence(facts.frequency)} ${RATES_DISCLOSURE} Reply HELP for help, STOP to cancel.`;
}

export function helpReply(facts: DisclosureFacts): string {
  return `${facts.name}: Help at ${facts.helpContact}. ${sentence(facts.frequency)} ${RATES_DISCLOSURE} Reply STOP to cancel.`;
}

export function optOutConfirmation(programNames: readonly string[]): string {
  return `You are unsubscribed from ${joinNames(programNames)} and will receive no more messages. Reply START to resubscribe.`;
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'this program';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** What a confirmation must carry; returns the missing parts (empty when compliant). */
export function missingOptInDisclosures(text: string, facts: DisclosureFacts): string[] {
  const checks: [string, boolean][] = [
    ['program name', text.includes(facts.name)],
    ['message frequency', text.includes(facts.frequency.trim().replace(/[.]$/, ''))],
    ['rates disclosure', text.includes(RATES_DISCLOSURE)],
    ['HELP instructions', /\bHELP\b/.test(text)],
    ['STOP instructions', /\bSTOP\b/.test(text)],
  ];
  return checks.filter(([, present]) => !present).map(([name]) => name);
}
