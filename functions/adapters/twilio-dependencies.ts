import { once } from '../shared/once';
import { MeteredCarrier } from './metered';
import { TwilioCarrier } from './twilio-carrier';
import { createTwilioClient } from './twilio-client';
import { twilioCredentials } from './twilio-credentials';

/** The sending side of Twilio, apart so functions that never send do not bundle the REST client. */
export const carrier = once(async () => new MeteredCarrier(new TwilioCarrier(createTwilioClient(await twilioCredentials()), process.env.TWILIO_MESSAGING_SERVICE_SID || undefined)));

/**
 * Where Twilio reports one message's delivery: the public URL of the /sms/status route, naming the
 * message's id so the report lands on its record (and settles a send whose answer was lost).
 */
export function statusCallbackUrl(): ((id: string) => string) | undefined {
  const base = process.env.PUBLIC_URL?.replace(/\/+$/, '');
  return base ? (id) => `${base}/sms/status?id=${encodeURIComponent(id)}` : undefined;
}
