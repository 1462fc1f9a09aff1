/**
 * How a day's waves drain through the short code: the arithmetic behind the paper model in docs/ and
 * the send plans marketers are shown. Pure: audience sizes, the rate and the windows in, minutes and
 * shares out.
 *
 * The model: every wave's messages are queued when the wave starts (issuing is far faster than the
 * carrier's rate), one queue serves all zones in the order they were queued, and the sender hands
 * over `mps` segments per second whenever work is queued. A time-bound message still queued at its
 * wave's deadline is dropped unsent (quickly, without using the rate), so the next wave starts then.
 */

export interface Wave {
  name: string;
  recipients: number;
  /** Minutes from the start of the day (any common origin) when the wave is queued. */
  startsAtMinute: number;
  /** Minutes from the same origin after which its messages are dropped unsent. */
  deadlineMinute: number;
  /** Segments per message (1 for an MMS). */
  segmentsEach: number;
}

export interface WaveOutcome {
  name: string;
  recipients: number;
  /** Minutes the wave would take on an idle sender. */
  drainMinutesAlone: number;
  /** When the sender reaches its first message, and when its last is sent or dropped. */
  beginsAtMinute: number;
  endsAtMinute: number;
  /** Messages handed to the carrier before the deadline, and their share of the wave. */
  delivered: number;
  share: number;
  /** Messages dropped at the deadline (never sent late). */
  dropped: number;
}

/** Minutes to hand `recipients` messages of `segmentsEach` segments to the carrier at `mps` segments/s. */
export function drainMinutes(recipients: number, segmentsEach: number, mps: number): number {
  return (recipients * segmentsEach) / mps / 60;
}

/** The waves in the order they are queued, each with when it drains and how much of it is in time. */
export function planWaves(waves: readonly Wave[], mps: number): WaveOutcome[] {
  const ordered = [...waves].sort((a, b) => a.startsAtMinute - b.startsAtMinute);
  let senderFreeAt = Number.NEGATIVE_INFINITY;
  return ordered.map((wave) => {
    const alone = drainMinutes(wave.recipients, wave.segmentsEach, mps);
    const begins = Math.max(wave.startsAtMinute, senderFreeAt);
    const inTime = Math.max(0, wave.deadlineMinute - begins);
    const delivered = alone === 0 ? wave.recipients : Math.min(wave.recipients, Math.floor((wave.recipients * inTime) / alone));
    const ends = Math.min(begins + alone, Math.max(begins, wave.deadlineMinute));
    senderFreeAt = ends;
    return {
      name: wave.name,
      recipients: wave.recipients,
      drainMinutesAlone: alone,
      beginsAtMinute: begins,
      endsAtMinute: ends,
      delivered,
      share: wave.recipients === 0 ? 1 : delivered / wave.recipients,
      dropped: wave.recipients - delivered,
    };
  });
}
