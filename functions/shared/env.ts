/** Reads a required setting; a missing one fails at cold start with its name, not later with undefined. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}
