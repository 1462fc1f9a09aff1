const SHORT_CODE = /^\d{3,8}$/;

/** For logs: enough to tell numbers apart, never the whole number. */
export function maskPhone(phone: string): string {
  if (SHORT_CODE.test(phone)) return phone;
  return phone.length <= 4 ? '****' : `${phone.slice(0, 2)}${'*'.repeat(Math.max(0, phone.length - 6))}${phone.slice(-4)}`;
}

/** An E.164 number inside free text: as itself, or URL-encoded (%2B) as in Twilio's request URLs. */
const NUMBER_IN_TEXT = /(\+|%2B)(\d{7,15})(?!\d)/gi;

/**
 * Masks every phone number inside a text (an error message, a stack, a DynamoDB key such as
 * PHONE#+15551234567 or OFFER#…#+15557654321), so a message can be logged whatever it echoes.
 */
export function maskPhonesIn(text: string): string {
  return text.replace(NUMBER_IN_TEXT, (_match, plus: string, digits: string) => {
    const masked = maskPhone(`+${digits}`);
    return plus === '+' ? masked : `${plus}${masked.slice(1)}`;
  });
}

/** The same error with every phone number in its message and stack masked (nothing else of it kept). */
export function maskedError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(maskPhonesIn(String(error)));
  const masked = new Error(maskPhonesIn(error.message));
  masked.name = error.name;
  masked.stack = error.stack ? maskPhonesIn(error.stack) : masked.stack;
  return masked;
}
