/** Every budget the bench checked, met or missed, so the run can end with the misses named. */
export interface Verdict {
  what: string;
  measured: string;
  budget: string;
  met: boolean;
}

export class Verdicts {
  readonly all: Verdict[] = [];

  /** Records the check and returns the table cell for it. */
  check(what: string, measured: string, budget: string, met: boolean): string {
    this.all.push({ what, measured, budget, met });
    return met ? 'ok' : 'MISSED';
  }

  missed(): Verdict[] {
    return this.all.filter((verdict) => !verdict.met);
  }
}
