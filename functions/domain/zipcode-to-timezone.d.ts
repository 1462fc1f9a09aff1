// The package ships no types; this is the only call we use.
declare module 'zipcode-to-timezone' {
  /** IANA zone for a 5-digit ZIP, or null when the ZIP is not in its table. */
  export function lookup(zip5: string): string | null;
}
