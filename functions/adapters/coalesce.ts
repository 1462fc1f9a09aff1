/**
 * Calls made in one moment, run as one request: a function that takes one input and answers for it,
 * built from one that takes many (`runMany`, answers in input order). The first call schedules the
 * run after the pending callbacks and promise reactions (setImmediate), so calls that many workers
 * make side by side, each right after the previous batch answered, land in the same run; with
 * `windowMs`, the run waits that long for more (calls that follow requests of their own, which
 * answer a few milliseconds apart). At most `max` inputs go to one run; more make several runs,
 * side by side. A run that throws fails every call it carried.
 *
 * Make one per invocation (per batch of work), not per process: in Lambda a container serves one
 * invocation at a time, and the local runtime, which runs many in one process, must count requests
 * the way Lambda would make them.
 */
export function coalesce<I, O>(runMany: (inputs: I[]) => Promise<O[]>, max: number, windowMs = 0): (input: I) => Promise<O> {
  let waiting: { input: I; resolve: (output: O) => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const batch = waiting;
    waiting = [];
    for (let start = 0; start < batch.length; start += max) {
      const chunk = batch.slice(start, start + max);
      runMany(chunk.map((call) => call.input)).then(
        (outputs) => chunk.forEach((call, index) => call.resolve(outputs[index]!)),
        (error: unknown) => chunk.forEach((call) => call.reject(error)),
      );
    }
  };
  return (input) =>
    new Promise<O>((resolve, reject) => {
      if (waiting.length === 0) {
        if (windowMs > 0) setTimeout(flush, windowMs);
        else setImmediate(flush);
      }
      waiting.push({ input, resolve, reject });
    });
}
