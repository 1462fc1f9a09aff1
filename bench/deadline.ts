export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/** One wall-clock limit shared by every wait of a phase, so the phase as a whole always ends. */
export class Deadline {
  private readonly at: number;

  constructor(ms: number) {
    this.at = Date.now() + ms;
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** Settles with `work`, or rejects when the deadline passes first (work is left to finish alone). */
  race<T>(work: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineExceeded(`timed out: ${what}`)), this.remainingMs());
    });
    return Promise.race([work, expired]).finally(() => clearTimeout(timer));
  }

  /** Polls `condition` every 100 ms until it holds; rejects when the deadline passes. */
  async until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
    while (!(await condition())) {
      if (this.remainingMs() === 0) throw new DeadlineExceeded(`timed out: ${what}`);
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
}
