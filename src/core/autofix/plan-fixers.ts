import { GATES } from "../gates/verdict.js";
import type { AutofixFailure } from "./autofix-failure.js";

/** A configured fixer (`autofix.commands` in .github/labgate.yml) or the built-in one. */
export interface FixerSpec {
  name: string;
  /** argv text, run without a shell; absent for built-ins. */
  command?: string;
  builtin?: "normalize-definitions";
  answers: readonly string[];
  timeout_seconds: number;
}

export const NORMALIZE_DEFINITIONS: FixerSpec = {
  name: "normalize definitions.json",
  builtin: "normalize-definitions",
  answers: ["gate:definitions"],
  timeout_seconds: 30,
};

export interface PlannedFixer {
  fixer: FixerSpec;
  /** The failures this fixer says it answers. */
  answers: AutofixFailure[];
}

/**
 * Which fixers answer which failures. An `answers` entry matches a failure when it is
 * - `*`: every failure;
 * - `gate:<id>`, `labgate/<id>` or a bare gate id (`definitions`, `code-review`...): every
 *   blocking reason of that gate;
 * - `run:<kind>` or a bare run failure kind (`no-result`, `out-of-memory`, `timeout`,
 *   `non-zero-exit`, `signal`, `invalid-result`, `spawn-error`): every run failed that way;
 * - anything else: a failure whose message contains it, case-insensitively (e.g. `ruff`).
 * Fixers keep their configured order; the built-in normalizer runs last, so it formats what the
 * others wrote.
 */
export function planFixers(
  fixers: readonly FixerSpec[],
  failures: readonly AutofixFailure[],
): PlannedFixer[] {
  const out: PlannedFixer[] = [];
  for (const fixer of fixers) {
    const answers = failures.filter((f) => fixer.answers.some((a) => answerMatches(a, f)));
    if (answers.length > 0) out.push({ fixer, answers });
  }
  return out.sort(
    (a, b) => Number(a.fixer.builtin !== undefined) - Number(b.fixer.builtin !== undefined),
  );
}

const GATE_IDS = new Set<string>(GATES);

export function answerMatches(answer: string, f: AutofixFailure): boolean {
  const a = answer.trim();
  if (a === "*") return true;
  const gate = a.startsWith("gate:")
    ? a.slice(5)
    : a.startsWith("labgate/")
      ? a.slice(8)
      : undefined;
  if (gate !== undefined) return f.source === "gate" && f.kind === gate;
  if (a.startsWith("run:")) return f.source === "run" && f.kind === a.slice(4);
  if (GATE_IDS.has(a) && f.source === "gate") return f.kind === a;
  if (f.source === "run" && f.kind === a) return true;
  return a !== "" && f.message.toLowerCase().includes(a.toLowerCase());
}
