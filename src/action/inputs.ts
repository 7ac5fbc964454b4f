import { z } from "zod";
import type { Failure } from "../core/failure/failure.js";

/**
 * A whole number written exactly as the number (`7`, never `07`, `7.0`, ` 7`, `0x7` or `7e0`):
 * the dispatch workflow's concurrency group and run title are built from the raw text of `pr` and
 * `wave`, so two spellings of one number would be two groups running at once (docs/security.md).
 */
const exactNumber = (what: string, min: number, max: number) =>
  z
    .string()
    .regex(
      min === 0 ? /^(0|[1-9][0-9]*)$/ : /^[1-9][0-9]*$/,
      `${what}, written as digits only with no leading zero, sign, space, decimal point or hex`,
    )
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/**
 * Every input of action/action.yml, parsed once before any work (habit 2). The runner passes
 * input `name` as env `INPUT_NAME` (upper-cased, spaces to underscores, hyphens kept); an input
 * left empty arrives as "" and counts as absent.
 */
const Raw = z.strictObject({
  mode: z.string().min(1, "set `mode:` to one of the modes listed in action/action.yml"),
  token: z.string().optional(),
  sha: z
    .string()
    .regex(/^[0-9a-f]{40}$/, "expected a full 40-character lower-case commit SHA")
    .optional(),
  pr: exactNumber("a pull request number", 1, Number.MAX_SAFE_INTEGER).optional(),
  phase: z.enum(["pilot", "full"]).default("full"),
  stage: exactNumber("a pilot stage: 1, 2 or 3", 1, 3).optional(),
  shard: exactNumber("a shard number from 0 to 255", 0, 255).optional(),
  wave: exactNumber("a whole number: 1 for the first wave, 2 for the next...", 1, 10_000).default(
    1,
  ),
  branch: z.string().optional(),
  policy: z.string().optional(),
  "wave-runs": z.string().optional(),
  "artifact-prefix": z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' and '-' only")
    .default("labgate-shard"),
  "working-directory": z.string().default("."),
  "max-attempts": z.coerce.number().int().min(1).max(20).default(5),
  "app-slug": z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, "a GitHub App slug: lower-case letters, digits and '-'")
    .default("labgate"),
});

/** The inputs that must be written exactly as their number (`exactNumber`), never trimmed. */
const EXACT_INPUTS: ReadonlySet<string> = new Set(["pr", "stage", "shard", "wave"]);

export const INPUT_NAMES = Object.keys(Raw.shape) as (keyof z.infer<typeof Raw>)[];
export type InputName = (typeof INPUT_NAMES)[number];

/** The inputs a mode may require (`ActionMode.requires`); the others always have a default. */
export const REQUIRABLE_INPUTS = [
  "token",
  "sha",
  "pr",
  "stage",
  "shard",
  "branch",
  "policy",
] as const;
export type RequirableInput = (typeof REQUIRABLE_INPUTS)[number];

/** Every input, parsed; the ones a mode does not require may be absent. */
interface AnyModeInputs {
  mode: string;
  token: string | undefined;
  sha: string | undefined;
  pr: number | undefined;
  phase: "pilot" | "full";
  stage: number | undefined;
  shard: number | undefined;
  /** plan, aggregate: which wave of a campaign longer than one job (docs/runners.md); 1 first. */
  wave: number;
  branch: string | undefined;
  /** run: the default branch's config from the plan job's output `policy` (policy-handoff.ts). */
  policy: string | undefined;
  /** run, aggregate: which runs are in which shard of this wave, as the plan job handed them over. */
  waveRuns: string | undefined;
  artifactPrefix: string;
  workingDirectory: string;
  /** Commit-back attempts when the branch moves under us. */
  maxAttempts: number;
  /** plan: the GitHub App whose `labgate/phase8` approval records count. */
  appSlug: string;
}

/**
 * The inputs of a mode that requires `R`: those are present (typed so), so no mode casts
 * `inputs.sha as string`. `ActionInputs` alone: any mode's.
 */
export type ActionInputs<R extends RequirableInput = never> = Omit<AnyModeInputs, R> & {
  [K in R]-?: NonNullable<AnyModeInputs[K]>;
};

/** The inputs, or every problem with them (`errors`, one line each; `message` joins them). */
export type InputsResult =
  | { ok: true; inputs: ActionInputs }
  | (Failure<"bad-input" | "unknown-mode" | "missing-input"> & { errors: string[] });

const bad = (
  code: "bad-input" | "unknown-mode" | "missing-input",
  errors: string[],
): InputsResult => ({
  ok: false,
  code,
  message: errors.join("\n"),
  errors,
});

export function readRawInputs(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INPUT_NAMES) {
    const value = env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`];
    if (!value?.trim()) continue;
    // A number is taken as written, spaces too: the workflow's concurrency group is its raw text.
    out[name] = EXACT_INPUTS.has(name) ? value : value.trim();
  }
  return out;
}

/**
 * The inputs as a union keyed by `mode`: one member per mode of `modes`, in which the inputs that
 * mode requires are not optional. A mode added to the registry is validated the same way.
 */
function inputsUnion(modes: Record<string, { requires: readonly InputName[] }>) {
  const members = Object.entries(modes).map(([name, mode]) => {
    const required: Record<string, z.ZodType> = {};
    for (const input of mode.requires) {
      const field = Raw.shape[input];
      required[input] = field instanceof z.ZodOptional ? field.unwrap() : field;
    }
    return Raw.extend({ mode: z.literal(name), ...required });
  });
  const [first, ...rest] = members;
  if (!first) throw new Error("the action has no modes");
  return z.discriminatedUnion("mode", [first, ...rest]);
}

/**
 * Parses the inputs and checks the ones the chosen mode needs. `modes` maps each mode to the
 * inputs it requires (`ActionMode.requires`); each problem is named with the input and the fix.
 */
export function parseInputs(
  raw: Record<string, string>,
  modes: Record<string, { requires: readonly InputName[] }>,
): InputsResult {
  const shape = Raw.safeParse(raw);
  if (!shape.success) {
    return bad(
      "bad-input",
      shape.error.issues.map((i) => {
        const name = String(i.path[0] ?? "(inputs)");
        return `input \`${name}\`: ${i.message}${raw[name] === undefined ? "" : ` (got ${quoted(raw[name])})`}`;
      }),
    );
  }
  const mode = shape.data.mode;
  const parsed = inputsUnion(modes).safeParse(raw);
  if (!parsed.success) {
    if (parsed.error.issues.some((i) => i.code === "invalid_union" && i.path[0] === "mode"))
      return bad("unknown-mode", [
        `input \`mode\`: unknown mode ${quoted(mode)}; use one of: ${Object.keys(modes).join(", ")}`,
      ]);
    // Every input is well-formed (the first parse), so what is left is a required one missing.
    return bad(
      "missing-input",
      parsed.error.issues.map((i) => {
        const name = String(i.path[0]);
        return `input \`${name}\` is required in mode ${quoted(mode)}; add \`${name}: ...\` under \`with:\``;
      }),
    );
  }
  const v = parsed.data;
  return {
    ok: true,
    inputs: {
      mode: v.mode,
      token: v.token,
      sha: v.sha,
      pr: v.pr,
      phase: v.phase,
      stage: v.stage,
      shard: v.shard,
      wave: v.wave,
      branch: v.branch,
      policy: v.policy,
      waveRuns: v["wave-runs"],
      artifactPrefix: v["artifact-prefix"],
      workingDirectory: v["working-directory"],
      maxAttempts: v["max-attempts"],
      appSlug: v["app-slug"],
    },
  };
}

/**
 * An input's text as it goes into an error, quoted and escaped (JSON): the error becomes a job
 * annotation that the app reads (budget-pause-of-run.ts), so what a dispatcher typed never adds a
 * line of its own there.
 */
function quoted(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
