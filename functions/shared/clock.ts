import type { Clock } from '../domain/ports';

let offsetMs = 0;

/** The one clock every component reads: system time, shifted only by the local runtime. */
export const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

/** Local runtime only (PUT /local/clock): time keeps flowing from the given instant; null = real time. */
export function setClock(at: Date | null): void {
  offsetMs = at ? at.getTime() - Date.now() : 0;
}
