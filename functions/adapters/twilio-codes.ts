/** Twilio error codes the gateway reads (kept apart so webhook handlers need not bundle the REST client). */
export const TWILIO_CONTACT_STOPPED = 21610;
export const TWILIO_UNREACHABLE = [30003, 30005, 30006] as const;
