/**
 * What produced a run's number (docs/results.md, provenance): the commit it ran at and the
 * machine it ran on (GPU model, driver and CUDA versions, interpreter, lock file). Comparing the
 * origins of two sets of runs tells "same code, new driver" from "new code": the results README
 * does it for failing against passing runs, the nightly report for tonight against last night.
 */

/** A run's `machine` as provenance records it; a fact nobody could ask is null. */
export type MachineFacts = Readonly<Record<string, string | null>>;

export interface RunOrigin {
  /** null: not recorded. */
  commit: string | null;
  /** null: not recorded (a run from before labgate recorded machines). */
  machine: MachineFacts | null;
  /** How many runs share this origin (a tally's entry); 1 when absent. */
  runs?: number;
}

/** The facts that make two machines different, in the order a change lists them. */
const FIELDS = [
  ["gpu_model", "GPU"],
  ["driver_version", "driver"],
  ["cuda_version", "CUDA"],
  ["interpreter", "interpreter"],
  ["interpreter_version", "interpreter version"],
  ["lock_file", "lock file"],
  ["lock_sha256", "lock file sha256"],
] as const;

/** True for a `machine` value as provenance writes it: an object of strings and nulls. */
export function isMachineFacts(v: unknown): v is MachineFacts {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => x === null || typeof x === "string")
  );
}

/** One line for a machine: `NVIDIA A100 (driver 535.104.05, CUDA 12.2), Python 3.11.9, uv.lock 0123456789ab`. */
export function describeMachine(m: MachineFacts): string {
  return [
    m.gpu_model
      ? `${m.gpu_model} (driver ${m.driver_version ?? "?"}, CUDA ${m.cuda_version ?? "?"})`
      : "no GPU",
    m.interpreter_version ?? m.interpreter,
    m.lock_file ? `${m.lock_file} ${String(m.lock_sha256).slice(0, 12)}` : "no lock file",
  ]
    .filter(Boolean)
    .join(", ");
}

/** Two machines are the same when every fact that identifies one is equal. */
const machineKey = (m: MachineFacts) => JSON.stringify(FIELDS.map(([k]) => m[k] ?? null));

/** The distinct machines of some runs, each with how many runs it made, most runs first. */
export function machinesOf(
  origins: readonly RunOrigin[],
): { machine: MachineFacts; runs: number }[] {
  const byKey = new Map<string, { machine: MachineFacts; runs: number }>();
  for (const o of origins) {
    if (!o.machine) continue;
    const key = machineKey(o.machine);
    const seen = byKey.get(key);
    if (seen) seen.runs += o.runs ?? 1;
    else byKey.set(key, { machine: o.machine, runs: o.runs ?? 1 });
  }
  return [...byKey.values()].sort((a, b) => b.runs - a.runs);
}

/**
 * The origins of many runs per group (an experiment), kept as distinct origins with their run
 * counts: memory grows with the machines and commits, not with the runs.
 */
export class OriginTally {
  private readonly byGroup = new Map<string, Map<string, RunOrigin & { runs: number }>>();

  add(group: string, origin: RunOrigin): void {
    let g = this.byGroup.get(group);
    if (!g) {
      g = new Map();
      this.byGroup.set(group, g);
    }
    const key = `${origin.commit ?? ""}\u0000${origin.machine ? machineKey(origin.machine) : ""}`;
    const seen = g.get(key);
    if (seen) seen.runs += origin.runs ?? 1;
    else g.set(key, { commit: origin.commit, machine: origin.machine, runs: origin.runs ?? 1 });
  }

  /** The groups, in the order they were first added to. */
  groups(): string[] {
    return [...this.byGroup.keys()];
  }

  get(group: string): RunOrigin[] {
    return [...(this.byGroup.get(group)?.values() ?? [])];
  }
}

/** The facts that differ among some machines, each with its values: `driver 535.104.05, 550.54.14`. */
export function machineDifferences(machines: readonly MachineFacts[]): string[] {
  const out: string[] = [];
  for (const [key, label] of FIELDS) {
    const values = [...new Set(machines.map((m) => m[key] ?? "none"))].sort();
    if (values.length > 1)
      out.push(
        `${label} ${values.map((v) => (key === "lock_sha256" && v !== "none" ? v.slice(0, 12) : v)).join(", ")}`,
      );
  }
  return out;
}

export type Sameness = "same" | "changed" | "unknown";

export interface OriginChange {
  /** Whether the commits the runs ran at changed. */
  code: Sameness;
  /** Whether the machines (GPU, driver, CUDA, interpreter, lock file) changed. */
  machine: Sameness;
  /** The commits on each side (12 characters), when known. */
  commits: { before: string[]; after: string[] };
  /** Each machine fact that differs: `driver 535.104.05 → 550.54.14`. */
  machineChanges: string[];
  /** One line a reader can act on: `same code (0123456789ab), machine changed: driver 535 → 550`. */
  summary: string;
}

/**
 * How the origins of `after` differ from those of `before`. A side whose runs recorded no commit
 * (or no machine) makes that half `unknown`, and the summary says why with `unknownWhy`.
 */
export function originChange(
  before: readonly RunOrigin[],
  after: readonly RunOrigin[],
  unknownWhy: { before?: string; after?: string } = {},
): OriginChange {
  const commitsOf = (os: readonly RunOrigin[]) =>
    [...new Set(os.flatMap((o) => (o.commit ? [o.commit.slice(0, 12)] : [])))].sort();
  const commits = { before: commitsOf(before), after: commitsOf(after) };
  const code: Sameness =
    commits.before.length === 0 || commits.after.length === 0
      ? "unknown"
      : sameList(commits.before, commits.after)
        ? "same"
        : "changed";
  const [mb, ma] = [machinesOf(before), machinesOf(after)];
  const machine: Sameness =
    mb.length === 0 || ma.length === 0
      ? "unknown"
      : sameList(
            mb.map((m) => machineKey(m.machine)).sort(),
            ma.map((m) => machineKey(m.machine)).sort(),
          )
        ? "same"
        : "changed";
  const machineChanges: string[] = [];
  if (machine === "changed")
    for (const [key, label] of FIELDS) {
      const values = (ms: typeof mb) =>
        [...new Set(ms.map((m) => m.machine[key] ?? "none"))]
          .sort()
          .map((v) => (key === "lock_sha256" && v !== "none" ? v.slice(0, 12) : v));
      const [vb, va] = [values(mb), values(ma)];
      if (!sameList(vb, va)) machineChanges.push(`${label} ${vb.join("/")} → ${va.join("/")}`);
    }
  return {
    code,
    machine,
    commits,
    machineChanges,
    summary: summaryOf(code, machine, commits, machineChanges, unknownWhy),
  };
}

function summaryOf(
  code: Sameness,
  machine: Sameness,
  commits: OriginChange["commits"],
  changes: readonly string[],
  why: { before?: string; after?: string },
): string {
  const codePart =
    code === "same"
      ? `same code (${commits.after.join(", ")})`
      : code === "changed"
        ? `code changed (${commits.before.join(", ")} → ${commits.after.join(", ")})`
        : "code unknown";
  const machinePart =
    machine === "same"
      ? "same machine"
      : machine === "changed"
        ? `machine changed: ${changes.join(", ")}`
        : "machine unknown";
  const reasons = [why.before, why.after].filter((w): w is string => Boolean(w));
  const tail =
    code === "same" && machine === "same"
      ? ": neither explains it (seed noise, data or nondeterminism)"
      : (code === "unknown" || machine === "unknown") && reasons.length > 0
        ? ` (${[...new Set(reasons)].join("; ")})`
        : "";
  const joined =
    code === "changed" && machine === "changed"
      ? `${codePart} and ${machinePart}`
      : `${codePart}, ${machinePart}`;
  return `${joined}${tail}`;
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
