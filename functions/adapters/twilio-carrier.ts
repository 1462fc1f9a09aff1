import type { TwilioMessaging } from './twilio-client';
import type { OutboundMessage } from '../domain/audience';
import { CarrierError, type Carrier, type SentMessage } from '../domain/ports';

interface TwilioRestError {
  status?: number;
  code?: number;
  message?: string;
}

function isTwilioRestError(error: unknown): error is TwilioRestError {
  return typeof error === 'object' && error !== null && typeof (error as TwilioRestError).status === 'number';
}

/**
 * Sends through the real twilio client; Twilio's refusals become CarrierErrors the domain can read.
 * With a Messaging Service, Twilio picks the sender (the short code in its pool) and applies the
 * service's own opt-out handling on top of ours.
 */
export class TwilioCarrier implements Carrier {
  constructor(
    private readonly client: TwilioMessaging,
    private readonly messagingServiceSid?: string,
  ) {}

  async send(message: OutboundMessage, statusCallback?: string): Promise<SentMessage> {
    try {
      const created = await this.client.messages.create({
        to: message.to,
        ...(this.messagingServiceSid ? { messagingServiceSid: this.messagingServiceSid } : { from: message.from }),
        body: message.body,
        ...(message.mediaUrl?.length ? { mediaUrl: message.mediaUrl } : {}),
        ...(statusCallback ? { statusCallback } : {}),
      });
      return { sid: created.sid, status: created.status };
    } catch (error) {
      if (isTwilioRestError(error)) throw new CarrierError(error.status!, error.code, error.message ?? 'carrier error');
      // No HTTP answer at all (connection refused, timeout): the carrier may come back, so retry.
      throw new CarrierError(503, undefined, error instanceof Error ? error.message : String(error));
    }
  }
}
