/**
 * Where each outbound message stands, one entry per message id, from the audience table's items: a
 * message's own record (`MSG#OUT#<id>`), or its place on its conversation turn's record
 * (`MSG#TURN#<MessageSid>`, a reply claimed with its turn's others). A message with both went its own
 * way after its turn's claim was refused, and its own record rules. What the fault and crash suites
 * count: every message with a SID went out; one without a SID in `pending`, `sending` or `unknown`
 * has no outcome yet.
 */
export interface MessageState {
  id: string;
  to: string;
  sid?: string;
  sentAt?: string;
  status: string;
  /** The latest status the carrier reported, where it asked for reports. */
  carrierStatus?: string;
}

type Item = Record<string, unknown>;

export function messageStates(items: Item[]): MessageState[] {
  const states = new Map<string, MessageState>();
  for (const item of items) {
    const sk = String(item.sk);
    if (!sk.startsWith('MSG#TURN#')) continue;
    const causedBy = sk.slice('MSG#TURN#'.length);
    const to = String(item.pk).slice('PHONE#'.length);
    for (const [index, send] of Object.entries((item.sends ?? {}) as Record<string, Item>)) {
      const sid = typeof send.sid === 'string' ? send.sid : undefined;
      const status = sid ? 'sent' : typeof send.state === 'string' ? send.state : 'sending';
      states.set(`${causedBy}-${index}`, { id: `${causedBy}-${index}`, to, status, ...(sid ? { sid, sentAt: String(send.sentAt) } : {}), ...(typeof send.carrierStatus === 'string' ? { carrierStatus: send.carrierStatus } : {}) });
    }
  }
  for (const item of items) {
    if (!String(item.sk).startsWith('MSG#OUT#')) continue;
    const id = String(item.deliveryId ?? String(item.sk).slice('MSG#OUT#'.length));
    states.set(id, {
      id,
      to: String(item.to),
      status: String(item.status),
      ...(typeof item.sid === 'string' ? { sid: item.sid, sentAt: String(item.sentAt) } : {}),
      ...(typeof item.carrierStatus === 'string' ? { carrierStatus: item.carrierStatus } : {}),
    });
  }
  return [...states.values()];
}

/** Messages without an outcome yet: waiting, being sent, or in doubt. */
export const unsettledStates = (states: MessageState[]): MessageState[] => states.filter((s) => s.sid === undefined && ['pending', 'sending', 'unknown'].includes(s.status));
