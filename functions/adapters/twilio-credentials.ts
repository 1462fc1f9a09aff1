import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { requiredEnv } from '../shared/env';
import { once } from '../shared/once';
import type { TwilioSettings } from './twilio-client';

/**
 * In AWS the auth token lives in Secrets Manager (TWILIO_AUTH_TOKEN_SECRET_ARN), fetched once and
 * cached for five minutes; only the local runtime passes TWILIO_AUTH_TOKEN in the environment.
 */
export async function twilioSettings(): Promise<TwilioSettings> {
  const secretId = process.env.TWILIO_AUTH_TOKEN_SECRET_ARN;
  const authToken = secretId ? await getSecret<string>(secretId, { maxAge: 300 }) : process.env.TWILIO_AUTH_TOKEN;
  if (!authToken) throw new Error('No Twilio auth token: set TWILIO_AUTH_TOKEN_SECRET_ARN (AWS) or TWILIO_AUTH_TOKEN (local)');
  return {
    accountSid: requiredEnv('TWILIO_ACCOUNT_SID'),
    authToken,
    ...(process.env.TWILIO_API_URL ? { apiUrl: process.env.TWILIO_API_URL } : {}),
    ...(process.env.CARRIER_TIMEOUT_MS ? { timeoutMs: Number(process.env.CARRIER_TIMEOUT_MS) } : {}),
  };
}

/** Fetched once per container; Powertools refreshes the secret after its maxAge. */
export const twilioCredentials = once(() => twilioSettings());
