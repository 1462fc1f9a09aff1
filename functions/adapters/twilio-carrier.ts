import type { TwilioMessaging } from './twilio-client';
import { TWILIO_CONTACT_STOPPED, TWILIO_UNREACHABLE } from './twilio-codes';
import type { OutboundMessage } from '../domain/audience';
import { CarrierFailure, type Carrier, type CarrierFailureKind, type CarrierRecord, type SendOptions, type SentMessage } from '../domain/ports';

interface TwilioRestError {
  status: number;
  code?: number;
  message?: string;
}

function isTwilioRestError(error: unknown): error is TwilioRestError {
  return typeof error === 'object' && error !== null && typeof (error as TwilioRestError).status === 'number';
}

/** Network errors that mean the request never reached the carrier: nothing was taken. */
const NEVER_ARRIVED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_INVALID_URL']);

/**
 * Twilio's answers in the channel's neutral words (the domain never sees a Twilio code). Table:
 * - 21610 (recipient replied STOP at the carrier) → contact-stopped;
 * - 30003 / 30005 / 30006 (unreachable, unknown, landline) → unreachable;
 * - 429, any 5xx, and 401/403 (credentials being rotated: retrying is right, giving up loses texts) → retry-later;
 * - any other 4xx (invalid number, bad content, …) → rejected;
 * - no HTTP answer: refused or unresolvable connection → retry-later (it never arrived);
 *   timeout, reset, hang-up → outcome-unknown (Twilio may have created the message).
 */
export function translateTwilioError(error: unknown): CarrierFailure {
  if (isTwilioRestError(error)) {
    const code = error.code;
    const kind: CarrierFailureKind =
      code === TWILIO_CONTACT_STOPPED ? 'contact-stopped'
      : code !== undefined && (TWILIO_UNREACHABLE as readonly number[]).includes(code) ? 'unreachable'
      : error.status === 429 || error.status >= 500 || error.status === 401 || error.status === 403 ? 'retry-later'
      : 'rejected';
    return new CarrierFailure(kind, String(code ?? error.status), error.message ?? 'carrier error');
  }
  const networkCode = (error as { code?: string } | undefined)?.code ?? 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return new CarrierFailure(NEVER_ARRIVED.has(networkCode) ? 'retry-later' : 'outcome-unknown', networkCode, message);
}

/** How many of the newest messages to a number are searched when an attempt ended in doubt. */
const LOOKUP_PAGE_SIZE = 50;

/**
 * Sends through the real twilio client; Twilio's refusals become channel-neutral CarrierFailures.
 * With a Messaging Service, Twilio picks the sender (the short code in its pool) and applies the
 * service's own opt-out handling on top of ours.
 */
/**
 * Twilio's ValidityPeriod: whole seconds, at least 1; at most 14,400 (4 h, the limit Twilio documented
 * for years; newer pages allow 36,000). A message that needs longer simply gets the longest.
 */
export const TWILIO_MAX_VALIDITY_SECONDS = 14_400;
export function twilioValidityPeriod(seconds: number): number {
  return Math.min(TWILIO_MAX_VALIDITY_SECONDS, Math.max(1, Math.floor(seconds)));
}

export class TwilioCarrier implements Carrier {
  constructor(
    private readonly client: TwilioMessaging,
    private readonly messagingServiceSid?: string,
  ) {}

  async send(message: OutboundMessage, options: SendOptions = {}): Promise<SentMessage> {
    try {
      const created = await this.client.messages.create({
        to: message.to,
        ...(this.messagingServiceSid ? { messagingServiceSid: this.messagingServiceSid } : { from: message.from }),
        body: message.body,
        ...(message.mediaUrl?.length ? { mediaUrl: message.mediaUrl } : {}),
        ...(options.statusCallback ? { statusCallback: options.statusCallback } : {}),
        ...(options.validitySeconds !== undefined ? { validityPeriod: twilioValidityPeriod(options.validitySeconds) } : {}),
      });
      return { sid: created.sid, status: created.status };
    } catch (error) {
      throw translateTwilioError(error);
    }
  }

  async recent(message: OutboundMessage): Promise<CarrierRecord[]> {
    try {
      // With a Messaging Service, Twilio chose the sender: every message to the number is a candidate.
      const page = await this.client.messages.page({ to: message.to, ...(this.messagingServiceSid ? {} : { from: message.from }), pageSize: LOOKUP_PAGE_SIZE });
      return page.instances
        .filter((m) => m.direction !== 'inbound' && (!this.messagingServiceSid || m.messagingServiceSid === this.messagingServiceSid))
        .map((m) => ({ sid: m.sid, status: m.status, body: m.body }));
    } catch (error) {
      throw translateTwilioError(error);
    }
  }
}
