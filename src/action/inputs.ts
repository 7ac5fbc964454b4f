import { z } from "zod";

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
  pr: z.coerce.number().int().positive().optional(),
  phase: z.enum(["pilot", "full"]).default("full"),
  stage: z.coerce.number().int().min(1).max(3).optional(),
  shard: z.coerce.number().int().min(0).max(255).optional(),
  branch: z.string().optional(),
  policy: z.string().optional(),
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

export const INPUT_NAMES = Object.keys(Raw.shape) as (keyof z.infer<typeof Raw>)[];
export type InputName = (typeof INPUT_NAMES)[number];

export interface ActionInputs {
  mode: string;
  token: string | undefined;
  sha: string | undefined;
  pr: number | undefined;
  phase: "pilot" | "full";
  stage: number | undefined;
  shard: number | undefined;
  branch: string | undefined;
  /** run: the default branch's config from the plan job's output `policy` (policy-handoff.ts). */
  policy: string | undefined;
  artifactPrefix: string;
  workingDirectory: string;
  /** Commit-back attempts when the branch moves under us. */
  maxAttempts: number;
  /** plan: the GitHub App whose `labgate/phase8` approval records count. */
  appSlug: string;
}

export type InputsResult = { ok: true; inputs: ActionInputs } | { ok: false; errors: string[] };

export function readRawInputs(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INPUT_NAMES) {
    const value = env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`]?.trim();
    if (value) out[name] = value;
  }
  return out;
}

/**
 * Parses the inputs and checks the ones the chosen mode needs. `modes` maps each mode to the
 * inputs it requires, so a mode added to the registry is validated the same way.
 */
export function parseInputs(
  raw: Record<string, string>,
  modes: Record<string, { requires: readonly InputName[] }>,
): InputsResult {
  const parsed = Raw.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? "(inputs)");
        return `input \`${name}\`: ${i.message}${raw[name] === undefined ? "" : ` (got "${raw[name]}")`}`;
      }),
    };
  }
  const v = parsed.data;
  const mode = modes[v.mode];
  if (!mode) {
    return {
      ok: false,
      errors: [
        `input \`mode\`: unknown mode "${v.mode}"; use one of: ${Object.keys(modes).join(", ")}`,
      ],
    };
  }
  const missing = mode.requires.filter((name) => v[name] === undefined);
  if (missing.length > 0) {
    return {
      ok: false,
      errors: missing.map(
        (name) =>
          `input \`${name}\` is required in mode "${v.mode}"; add \`${name}: ...\` under \`with:\``,
      ),
    };
  }
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
      branch: v.branch,
      policy: v.policy,
      artifactPrefix: v["artifact-prefix"],
      workingDirectory: v["working-directory"],
      maxAttempts: v["max-attempts"],
      appSlug: v["app-slug"],
    },
  };
}
