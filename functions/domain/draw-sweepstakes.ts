import type { OutboundMessage } from './audience';
import type { Program } from './catalog';
import type { DomainEvent } from './events';
import type { CatalogSource, Clock, EventPublisher, Outbox, Random, SweepstakesRecords } from './ports';
import { distinctEntrants, DRAW_ALGORITHM, drawRefusal, drawWinners, sweepstakesText, type Sweepstakes, type SweepstakesDraw, type SweepstakesEntry } from './sweepstakes';

export interface DrawDeps {
  catalog: CatalogSource;
  records: SweepstakesRecords;
  outbox: Pick<Outbox, 'enqueueEach'>;
  events: EventPublisher;
  random: Random;
  clock: Clock;
}

export type DrawOutcome =
  | { kind: 'drawn'; draw: SweepstakesDraw }
  /** `earlier`: the sweepstakes was drawn before (its winners were notified now when that draw stopped before it could). */
  | { kind: 'refused'; reason: string; earlier?: SweepstakesDraw; resumed?: boolean }
  | { kind: 'not-found'; reason: string };

/** The sweepstakes with this id (in `programId`, when given) among the catalog's valid ones. */
export function findSweepstakes(programs: Program[], sweepstakesId: string, programId?: string): { program: Program; sweepstakes: Sweepstakes }[] {
  return programs
    .filter((program) => !programId || program.programId === programId)
    .flatMap((program) => program.sweepstakes.filter((s) => s.sweepstakesId === sweepstakesId).map((sweepstakes) => ({ program, sweepstakes })));
}

/** A random seed to record when the marketer gives none: 128 bits, hex. */
export function newSeed(random: Random): string {
  return Buffer.from(random.bytes(16)).toString('hex');
}

/**
 * Draws a sweepstakes once its entries are closed: uniformly among its distinct entrants by a seed
 * (given, or random and recorded), stored with a write that only creates (a second draw is refused
 * and shown the first), then each winner is texted (through the outbound queue, quiet hours waited
 * out) and SweepstakesWon is published. A draw that stopped after being stored and before its
 * winners were told is finished by the next attempt, with the same texts (same ids: sent once).
 */
export async function drawSweepstakes(
  request: { sweepstakesId: string; programId?: string; winners?: number; seed?: string },
  deps: DrawDeps,
): Promise<DrawOutcome> {
  const found = findSweepstakes((await deps.catalog.load()).programs, request.sweepstakesId, request.programId);
  if (found.length === 0) return { kind: 'not-found', reason: `no valid sweepstakes ${request.sweepstakesId} in the catalog` };
  if (found.length > 1) {
    return { kind: 'not-found', reason: `${request.sweepstakesId} is a sweepstakes of several programs (${found.map((f) => f.program.programId).join(', ')}): name one with --program` };
  }
  const { program, sweepstakes } = found[0]!;
  const at = deps.clock.now();
  const entries = await deps.records.entries(program.programId, sweepstakes.sweepstakesId);
  const entrants = distinctEntrants(entries);
  const refusal = drawRefusal(sweepstakes, at, entrants.length);
  if (refusal) return { kind: 'refused', reason: refusal };
  const winners = request.winners ?? sweepstakes.winners;
  if (!Number.isInteger(winners) || winners < 1) return { kind: 'refused', reason: `--winners must be a whole number of at least 1, got ${winners}` };

  const seed = request.seed ?? newSeed(deps.random);
  const draw: SweepstakesDraw = {
    programId: program.programId,
    sweepstakesId: sweepstakes.sweepstakesId,
    seed,
    entrants: entrants.length,
    entries: entries.length,
    winners: drawWinners(entrants, seed, winners),
    drawnAt: at.toISOString(),
    algorithm: DRAW_ALGORITHM,
  };
  const stored = await deps.records.recordDraw(draw);
  if (!stored.recorded) {
    const earlier = stored.earlier;
    const resumed = !earlier.notifiedAt;
    if (resumed) await notifyWinners(earlier, program, sweepstakes, entries, deps);
    return {
      kind: 'refused',
      reason: `${sweepstakes.sweepstakesId} was drawn already, at ${earlier.drawnAt} with seed ${earlier.seed}: a sweepstakes is drawn once`,
      earlier,
      resumed,
    };
  }
  return { kind: 'drawn', draw: await notifyWinners(draw, program, sweepstakes, entries, deps) };
}

/** Texts each winner (a transactional text they asked for by entering) and publishes SweepstakesWon. */
async function notifyWinners(draw: SweepstakesDraw, program: Program, sweepstakes: Sweepstakes, entries: SweepstakesEntry[], deps: DrawDeps): Promise<SweepstakesDraw> {
  const lastEntry = (phone: string) => entries.filter((entry) => entry.phone === phone).map((entry) => entry.enteredAt).sort().at(-1)!;
  const body = sweepstakesText(program, sweepstakes, 'sweepstakes-won');
  const texts = draw.winners.map((phone, index) => ({
    id: `sweepstakes-${draw.programId}-${draw.sweepstakesId}-won-${index + 1}`,
    message: { to: phone, from: program.shortCode, body, purpose: 'sweepstakes-winner', programId: program.programId, requestedAt: lastEntry(phone) } satisfies OutboundMessage,
  }));
  const events: DomainEvent[] = draw.winners.map((phone, index) => ({
    type: 'SweepstakesWon',
    id: `sweepstakes-won:${draw.programId}:${draw.sweepstakesId}:${index + 1}`,
    at: draw.drawnAt,
    detail: { phone, programId: draw.programId, sweepstakesId: draw.sweepstakesId, place: index + 1, prize: sweepstakes.prize, seed: draw.seed },
  }));
  await deps.outbox.enqueueEach(texts);
  await deps.events.publish(events);
  const notifiedAt = deps.clock.now().toISOString();
  await deps.records.markNotified(draw.programId, draw.sweepstakesId, notifiedAt);
  return { ...draw, notifiedAt };
}
