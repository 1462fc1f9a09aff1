import { getCountryCallingCode, parsePhoneNumberFromString as parseWithFullPackage, type CountryCode } from 'libphonenumber-js';
import examples from 'libphonenumber-js/examples.mobile.json';
import minMetadata from 'libphonenumber-js/metadata.min.json';
import generated from '../../functions/domain/phone-metadata.json';
import { parsePhoneNumberFromString, withoutFormats } from '../../functions/domain/phone-metadata';

/** What the gateway reads of a parsed number (phone-numbers.ts): the number, its country, whether it is possible. */
function reading(parsed: ReturnType<typeof parsePhoneNumberFromString>) {
  return parsed && { number: parsed.number, possible: parsed.isPossible(), country: parsed.country, possibleCountries: parsed.getPossibleCountries() };
}

const countries = Object.keys(examples) as CountryCode[];
/** Every country's example mobile number, as E.164 and as typed at home, plus near misses of each. */
const numbers = countries.flatMap((country) => {
  const national = (examples as Record<string, string>)[country]!;
  const e164 = `+${getCountryCallingCode(country)}${national}`;
  return [e164, `${e164}0`, e164.slice(0, -1), national, `0${national}`].map((text) => [country, text] as const);
});

describe('phone-metadata: libphonenumber-js without its formatting rules', () => {
  test('is the installed package’s min metadata minus the formats (regenerate with `npx tsx bin/generate-phone-metadata.ts`)', () => {
    // Act
    const expected = withoutFormats(minMetadata);
    // Assess
    expect(generated).toEqual(expected);
  });

  test(`reads ${numbers.length} numbers of all ${countries.length} countries exactly as the full package does`, () => {
    // Act: as countryOf reads an E.164 number (no default country) and normalizeAddress reads any text (US by default).
    const differing = numbers.filter(
      ([, text]) =>
        JSON.stringify(reading(parsePhoneNumberFromString(text))) !== JSON.stringify(reading(parseWithFullPackage(text))) ||
        JSON.stringify(reading(parsePhoneNumberFromString(text, 'US'))) !== JSON.stringify(reading(parseWithFullPackage(text, 'US'))),
    );
    // Assess
    expect(differing).toEqual([]);
  });

  test.each([
    ['(415) 555-2671', 'US', '+14155552671'],
    ['+44 7911 123456', 'US', '+447911123456'],
    ['+1 204 555 0134', 'US', '+12045550134'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
  ] as const)('%j with default country %s is %s', (text, country, number) => {
    // Act
    const parsed = parsePhoneNumberFromString(text, country);
    // Assess
    expect(parsed?.number).toBe(number);
  });
});
