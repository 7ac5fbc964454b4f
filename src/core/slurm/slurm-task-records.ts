/** One array task as squeue or sacct lists it. */
export interface SlurmTaskRecord {
  arrayJobId: string;
  index: number;
  /** SLURM's long state name: PENDING, RUNNING, COMPLETED, TIMEOUT, CANCELLED, ... */
  state: string;
  /** The node it ran on, when it started. */
  node: string | null;
  name: string;
}

/** squeue's format for `parseSqueue`: array job id, task id, state, node list, job name. */
export const SQUEUE_FORMAT = "%F|%K|%T|%N|%j";

/**
 * `squeue --me --noheader --array --states=all --format=<SQUEUE_FORMAT>`: one line per task
 * (pending tasks listed one by one), finished ones while slurmctld still holds them (MinJobAge).
 * Lines that are not array tasks (a plain job: task id N/A) are skipped.
 */
export function parseSqueue(text: string): SlurmTaskRecord[] {
  const out: SlurmTaskRecord[] = [];
  for (const line of text.split("\n")) {
    const [arrayJobId, task, state, node, ...name] = line.trim().split("|");
    if (!arrayJobId || !task || !state || !/^\d+$/.test(arrayJobId) || !/^\d+$/.test(task))
      continue;
    out.push({
      arrayJobId,
      index: Number(task),
      state: state.trim(),
      node: node && node !== "(null)" ? node : null,
      name: name.join("|"),
    });
  }
  return out;
}

/** sacct's fields for `parseSacct`. */
export const SACCT_FIELDS = "JobID,State,NodeList,JobName";

/**
 * `sacct --noheader --parsable2 --allocations --jobs=<ids> --format=<SACCT_FIELDS>`: `123_4`
 * lines are tasks; `123_[5-9%2]` lines are tasks not started yet, expanded here; a state like
 * `CANCELLED by 1000` keeps its first word.
 */
export function parseSacct(text: string): SlurmTaskRecord[] {
  const out: SlurmTaskRecord[] = [];
  for (const line of text.split("\n")) {
    const [jobId, state, node, ...name] = line.trim().split("|");
    if (!jobId || !state) continue;
    const m = /^(\d+)_(?:(\d+)|\[([0-9,-]+)(?:%\d+)?\])$/.exec(jobId);
    if (!m) continue;
    const indices = m[2] !== undefined ? [Number(m[2])] : expandIndices(m[3] ?? "");
    for (const index of indices)
      out.push({
        arrayJobId: m[1] as string,
        index,
        state: state.split(" ")[0] as string,
        node: node && node !== "None assigned" && node !== "(null)" ? node : null,
        name: name.join("|"),
      });
  }
  return out;
}

/** `0-3,7,9-10` → [0,1,2,3,7,9,10]. */
export function expandIndices(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(",")) {
    const [a, b] = part.split("-");
    if (a === undefined || !/^\d+$/.test(a)) continue;
    const from = Number(a);
    const to = b !== undefined && /^\d+$/.test(b) ? Number(b) : from;
    for (let i = from; i <= to; i++) out.push(i);
  }
  return out;
}
