import { coalesce } from '../../functions/adapters/coalesce';

describe('calls made side by side run as one request', () => {
  test('each caller gets its own answer; calls made in one moment share a run, at most `max` inputs each', async () => {
    // Prepare
    const runs: number[][] = [];
    const double = coalesce(async (inputs: number[]) => (runs.push(inputs), inputs.map((n) => n * 2)), 3);

    // Act: five at once, then one more after they answered
    const first = await Promise.all([1, 2, 3, 4, 5].map(double));
    const later = await double(6);

    // Assess
    expect(first).toEqual([2, 4, 6, 8, 10]);
    expect(later).toBe(12);
    expect(runs).toEqual([[1, 2, 3], [4, 5], [6]]);
  });

  test('a run that fails fails every call it carried, and no caller is left waiting', async () => {
    // Prepare
    const read = coalesce(async (_inputs: string[]): Promise<string[]> => {
      throw new Error('DynamoDB is down');
    }, 10);

    // Act
    const settled = await Promise.allSettled([read('a'), read('b')]);

    // Assess
    expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as Error).message : 'answered'))).toEqual(['DynamoDB is down', 'DynamoDB is down']);
  });

  test('with a window, calls that come a few milliseconds apart still share a run', async () => {
    // Prepare
    const runs: string[][] = [];
    const read = coalesce(async (inputs: string[]) => (runs.push(inputs), inputs.map((key) => key.toUpperCase())), 10, 30);

    // Act: three callers whose own requests answer 0, 5 and 10 ms apart
    const answers = await Promise.all(['a', 'b', 'c'].map(async (key, index) => {
      await new Promise((ok) => setTimeout(ok, index * 5));
      return read(key);
    }));

    // Assess
    expect(answers).toEqual(['A', 'B', 'C']);
    expect(runs).toEqual([['a', 'b', 'c']]);
  });
});
