/** Reads a required setting; a missing one fails at cold start with its name, not later with undefined. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}

/**
 * A numeric setting: `fallback` when unset or empty; a malformed one fails at cold start, naming the
 * variable and what it must be.
 */
export function numberFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, rule: { whole: boolean; min: number }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < rule.min || (rule.whole && !Number.isSafeInteger(value))) {
    throw new Error(`${name} must be a ${rule.whole ? 'whole number' : 'number'} of at least ${rule.min}, got "${raw}"`);
  }
  return value;
}
