import { once } from './dependencies';
import { MeteredCarrier } from './metered';
import { TwilioCarrier } from './twilio-carrier';
import { createTwilioClient } from './twilio-client';
import { twilioCredentials } from './twilio-credentials';

/** The sending side of Twilio, apart so functions that never send do not bundle the REST client. */
export const carrier = once(async () => new MeteredCarrier(new TwilioCarrier(createTwilioClient(await twilioCredentials()), process.env.TWILIO_MESSAGING_SERVICE_SID || undefined)));

/** Where Twilio reports delivery: the public URL of the /sms/status route. */
export function statusCallbackUrl(): string | undefined {
  return process.env.PUBLIC_URL ? `${process.env.PUBLIC_URL.replace(/\/+$/, '')}/sms/status` : undefined;
}
