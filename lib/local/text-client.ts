import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export interface TextOptions {
  gatewayUrl: string;
  publicUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  to: string;
  body: string;
  messageSid?: string;
}

/** The short code local texts go to unless told otherwise (the dev stage's). */
export const LOCAL_SHORT_CODE = '55155';

export function newMessageSid(): string {
  return `SM${randomBytes(16).toString('hex')}`;
}

/** Posts a text to the gateway exactly as Twilio's inbound webhook would, signature included. */
export async function sendSignedText(options: TextOptions): Promise<{ status: number; messageSid: string; body: string }> {
  const messageSid = options.messageSid ?? newMessageSid();
  const params: Record<string, string> = {
    MessageSid: messageSid,
    SmsSid: messageSid,
    AccountSid: options.accountSid,
    From: options.from,
    To: options.to,
    Body: options.body,
    NumMedia: '0',
    NumSegments: '1',
    ApiVersion: '2010-04-01',
  };
  const signature = twilio.getExpectedTwilioSignature(options.authToken, `${options.publicUrl}/sms`, params);
  const response = await fetch(`${options.gatewayUrl}/sms`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params),
  });
  return { status: response.status, messageSid, body: await response.text() };
}
