import { readFileSync } from 'node:fs';
import { drainMinutes, planWaves, type Wave } from '../../functions/domain/wave-plan';
import { PAPER_MODEL_FILE, paperModel } from '../../bench/paper-model';

const wave = (name: string, recipients: number, startsAtMinute: number, deadlineMinute: number, segmentsEach = 1): Wave => ({ name, recipients, startsAtMinute, deadlineMinute, segmentsEach });

describe('wave plan: how waves drain through the short code', () => {
  it.each([
    { recipients: 6_000, segments: 1, mps: 100, minutes: 1 },
    { recipients: 6_000, segments: 2, mps: 100, minutes: 2 },
    { recipients: 360_000, segments: 1, mps: 100, minutes: 60 },
    { recipients: 0, segments: 1, mps: 100, minutes: 0 },
  ])('$recipients messages of $segments segment(s) at $mps/s take $minutes min', ({ recipients, segments, mps, minutes }) => {
    // Act + Assess
    expect(drainMinutes(recipients, segments, mps)).toBeCloseTo(minutes);
  });

  it('a wave that fits its window is sent whole', () => {
    // Act
    const [eastern] = planWaves([wave('Eastern', 360_000, 0, 120)], 100);
    // Assess
    expect(eastern).toMatchObject({ delivered: 360_000, dropped: 0, share: 1, beginsAtMinute: 0, endsAtMinute: 60 });
  });

  it('a wave too big for its window is cut at the deadline: the rest is dropped, never sent late', () => {
    // Act
    const [eastern] = planWaves([wave('Eastern', 1_080_000, 0, 120)], 100);
    // Assess: 3 h of work, 2 h of window.
    expect(eastern).toMatchObject({ delivered: 720_000, dropped: 360_000, endsAtMinute: 120 });
    expect(eastern!.share).toBeCloseTo(2 / 3);
  });

  it('a later wave queues behind an earlier one still draining, and loses what the wait costs it', () => {
    // Act: Eastern needs 90 min from 0; Central is queued at 60 with its deadline at 120.
    const [eastern, central] = planWaves([wave('Central', 360_000, 60, 120), wave('Eastern', 540_000, 0, 120)], 100);
    // Assess
    expect(eastern).toMatchObject({ name: 'Eastern', delivered: 540_000, endsAtMinute: 90 });
    expect(central).toMatchObject({ name: 'Central', beginsAtMinute: 90, delivered: 180_000, dropped: 180_000, endsAtMinute: 120 });
  });

  it('a wave queued after the sender went idle starts at its own time', () => {
    // Act
    const [, pacific] = planWaves([wave('Eastern', 6_000, 0, 120), wave('Pacific', 6_000, 180, 300)], 100);
    // Assess
    expect(pacific).toMatchObject({ beginsAtMinute: 180, endsAtMinute: 181, share: 1 });
  });

  it('docs/paper-model.md is what `npm run model -- --write` computes today (figures are never typed in)', () => {
    // Act + Assess
    expect(readFileSync(PAPER_MODEL_FILE, 'utf8')).toBe(paperModel());
  });
});
