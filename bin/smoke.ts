#!/usr/bin/env node
/**
 * `npm run smoke -- --url <WebhookBaseUrl>`: checks a deployed stage (or the local gateway) the way
 * Twilio talks to it, without texting anybody: a signed HELP from a test number is accepted (200,
 * empty TwiML), a forged signature is refused (403), and a signed non-message is refused (400).
 * Needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (the stage's real token; never logged).
 */
import { parseArgs } from 'node:util';
import twilio from 'twilio';
import { newMessageSid, sendSignedText } from '../lib/local/text-client';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    from: { type: 'string', default: '+15005550006' },
    to: { type: 'string', default: '55155' },
  },
});

interface Check {
  name: string;
  expected: number;
  actual: number;
}

async function post(url: string, params: Record<string, string>, signature: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params),
  });
  return response.status;
}

async function main(): Promise<number> {
  const baseUrl = values.url?.replace(/\/+$/, '');
  const accountSid = process.env.TWILIO_ACCOUNT_SID;
  const authToken = process.env.TWILIO_AUTH_TOKEN;
  if (!baseUrl || !accountSid || !authToken) {
    console.error('Usage: TWILIO_ACCOUNT_SID=AC… TWILIO_AUTH_TOKEN=… npm run smoke -- --url https://<api>/ [--from +1…] [--to 55155]');
    return 2;
  }
  const help = await sendSignedText({ gatewayUrl: baseUrl, publicUrl: baseUrl, accountSid, authToken, from: values.from, to: values.to, body: 'HELP' });
  const forgedParams = { MessageSid: newMessageSid(), AccountSid: accountSid, From: values.from, To: values.to, Body: 'HELP' };
  const notAMessage = { hello: 'world' };
  const checks: Check[] = [
    { name: 'signed HELP is accepted', expected: 200, actual: help.status },
    { name: 'forged signature is refused', expected: 403, actual: await post(`${baseUrl}/sms`, forgedParams, 'forged') },
    {
      name: 'signed non-message is refused',
      expected: 400,
      actual: await post(`${baseUrl}/sms`, notAMessage, twilio.getExpectedTwilioSignature(authToken, `${baseUrl}/sms`, notAMessage)),
    },
  ];
  for (const check of checks) {
    console.log(`${check.actual === check.expected ? 'ok  ' : 'FAIL'}  ${check.name} (HTTP ${check.actual}, expected ${check.expected})`);
  }
  const failed = checks.filter((check) => check.actual !== check.expected).length;
  console.log(failed === 0 ? `smoke: all ${checks.length} checks passed against ${baseUrl}` : `smoke: ${failed} of ${checks.length} checks failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`smoke: could not reach the gateway: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
