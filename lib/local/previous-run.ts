import { commandLine, isAlive, stopProcess } from './child-processes';
import { clearRunningInfo, readRecordedRun, type RecordedChild, type RecordedRun } from './settings';

export type PreviousRun =
  | { kind: 'none' }
  /** Another gateway runs on this DATA_DIR now. */
  | { kind: 'running'; run: RecordedRun }
  /** The last gateway died without cleaning up; `stopped` are its children that were still running. */
  | { kind: 'crashed'; run: RecordedRun; stopped: RecordedChild[] };

/** True when pid runs the command line recorded for it (or when this system cannot tell). */
function runs(pid: number, argv: string[] | undefined): boolean {
  if (!isAlive(pid)) return false;
  const current = commandLine(pid);
  return !argv || current === undefined || current === argv.join(' ');
}

/**
 * Settles what the last run on this DATA_DIR left behind before a new one starts. A gateway that still runs
 * is reported (the caller refuses to start a second one). A dead one's children that still run, and are
 * really its children (same pid and same command line), are stopped: otherwise a second DynamoDB Local
 * would open the same data.
 */
export async function settlePreviousRun(dataDir: string): Promise<PreviousRun> {
  const run = readRecordedRun(dataDir);
  if (!run) return { kind: 'none' };
  if (run.pid !== process.pid && runs(run.pid, run.argv)) return { kind: 'running', run };
  const stopped: RecordedChild[] = [];
  for (const child of run.children) {
    if (!isAlive(child.pid) || commandLine(child.pid) !== child.argv.join(' ')) continue;
    await stopProcess(child.pid);
    stopped.push(child);
  }
  clearRunningInfo(dataDir);
  return { kind: 'crashed', run, stopped };
}
