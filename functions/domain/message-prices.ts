/**
 * What a US short code message costs at the carrier side, per message sent, at list prices (Twilio's
 * per-segment and per-MMS prices plus the US carriers' pass-through fees). Used to price plans and
 * bench figures; update them when the price list changes.
 */
export const MESSAGE_PRICES = {
  /** Twilio, per SMS segment. */
  smsSegment: 0.0083,
  /** US carriers' fee per SMS segment. */
  smsCarrierFee: 0.003,
  /** Twilio, per MMS (whatever its length). */
  mms: 0.022,
  /** US carriers' fee per MMS. */
  mmsCarrierFee: 0.005,
};

/** One message's price: its segments as SMS, or one MMS. */
export function messagePrice(message: { segments: number; mms: boolean }): number {
  return message.mms ? MESSAGE_PRICES.mms + MESSAGE_PRICES.mmsCarrierFee : message.segments * (MESSAGE_PRICES.smsSegment + MESSAGE_PRICES.smsCarrierFee);
}
