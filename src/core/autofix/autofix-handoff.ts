import { z } from "zod";
import type { AutofixFailure } from "./autofix-failure.js";
import type { FixerOutcome } from "./fixer-outcome.js";
import type { FixerSpec, PlannedFixer } from "./plan-fixers.js";

/*
 * What the three autofix steps hand each other (docs/security.md, "Autofix"): the plan (read from
 * the API and the default branch by `autofix-plan`) goes to the fixer step as a file in the job's
 * temp dir; the fixer step's result goes to the push job as an artifact. The push job treats the
 * result as untrusted (the job that made it ran repository code), so both are parsed, never cast.
 */

const Failure: z.ZodType<AutofixFailure> = z.strictObject({
  source: z.enum(["gate", "run"]),
  kind: z.string(),
  subject: z.string(),
  message: z.string(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  url: z.string().optional(),
  logUrl: z.string().optional(),
});

const Fixer: z.ZodType<FixerSpec> = z.strictObject({
  name: z.string(),
  command: z.string().optional(),
  builtin: z.literal("normalize-definitions").optional(),
  answers: z.array(z.string()),
  timeout_seconds: z.number().positive(),
});

const Planned: z.ZodType<PlannedFixer> = z.strictObject({
  fixer: Fixer,
  answers: z.array(Failure),
});

const PullRef = z.strictObject({
  number: z.number().int().positive(),
  headRef: z.string().min(1),
  headSha: z.string().regex(/^[0-9a-f]{40}$/),
});

/** `autofix-plan` -> `autofix`: which fixers (from the default branch's config) run, for what. */
export const AutofixPlan = z.strictObject({
  pr: PullRef,
  /** The default branch's `definitions` path (the built-in normalizer's file). */
  definitions: z.string(),
  planned: z.array(Planned).min(1),
});
export type AutofixPlan = z.infer<typeof AutofixPlan>;

const Outcome: z.ZodType<FixerOutcome> = z.strictObject({
  name: z.string(),
  status: z.enum(["changed", "unchanged", "failed", "timed-out"]),
  detail: z.string(),
  durationMs: z.number(),
  files: z.array(z.string()),
  answers: z.array(Failure),
});

/** `autofix` -> `autofix-push` (artifact file `autofix.json`, next to `autofix.patch`). */
export const AutofixFixResult = z.strictObject({
  pr: PullRef,
  outcomes: z.array(Outcome),
});
export type AutofixFixResult = z.infer<typeof AutofixFixResult>;

export const AUTOFIX_PATCH_FILE = "autofix.patch";
export const AUTOFIX_RESULT_FILE = "autofix.json";

/** The fixer job's artifact for PR `pr` in run attempt `attempt`. */
export const autofixArtifactName = (pr: number, attempt: string) =>
  `labgate-autofix-${pr}-attempt${attempt}`;

/**
 * The artifact the push job takes: the latest attempt's, never one from an attempt after its own
 * (a rerun of the push job alone takes the fixer job's last upload).
 */
export function pickAutofixArtifact(
  names: readonly string[],
  pr: number,
  attempt: number,
): string | undefined {
  const re = new RegExp(`^labgate-autofix-${pr}-attempt(\\d+)$`);
  let best: { name: string; n: number } | undefined;
  for (const name of names) {
    const n = Number(name.match(re)?.[1] ?? Number.NaN);
    if (n >= 1 && n <= attempt && (!best || n > best.n)) best = { name, n };
  }
  return best?.name;
}
