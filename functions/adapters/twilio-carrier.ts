import type twilio from 'twilio';
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

/** Sends through the real twilio client; Twilio's refusals become CarrierErrors the domain can read. */
export class TwilioCarrier implements Carrier {
  constructor(private readonly client: twilio.Twilio) {}

  async send(message: OutboundMessage, statusCallback?: string): Promise<SentMessage> {
    try {
      const created = await this.client.messages.create({
        to: message.to,
        from: message.from,
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
