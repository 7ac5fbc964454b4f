import type { Verdict } from "../gates/verdict.js";
import type { StateEntry } from "../state/state-entry.js";
import type { AutofixFailure } from "./autofix-failure.js";
import { runFailureKind } from "./run-failure-kind.js";

/**
 * The failures an auto-fix run looks at: every blocking reason of a failed gate, and every run
 * that ended `failed` or `on_hold` (a cancelled run was stopped on purpose: nothing to fix).
 */
export function collectFailures(input: {
  verdicts?: readonly Verdict[];
  runs?: readonly StateEntry[];
  /** Check-run pages by gate id, to link from the PR body. */
  checkUrls?: Readonly<Record<string, string>>;
}): AutofixFailure[] {
  const out: AutofixFailure[] = [];
  for (const v of input.verdicts ?? []) {
    if (v.conclusion !== "failure") continue;
    const url = input.checkUrls?.[v.gate];
    for (const r of v.reasons) {
      if (r.severity !== "blocking") continue;
      out.push({
        source: "gate",
        kind: v.gate,
        subject: `labgate/${v.gate}`,
        message: r.message,
        ...(r.file === undefined ? {} : { file: r.file }),
        ...(r.line === undefined ? {} : { line: r.line }),
        ...(url === undefined ? {} : { url }),
      });
    }
  }
  for (const e of input.runs ?? []) {
    if (e.status !== "failed" && e.status !== "on_hold") continue;
    const reason = e.reason ?? (e.status === "on_hold" ? "timeout" : "failed");
    out.push({
      source: "run",
      kind: runFailureKind(reason, e.status, e.failure_kind),
      subject: e.id,
      message: reason,
      ...(e.run_url ? { url: e.run_url, logUrl: e.run_url } : {}),
    });
  }
  return out;
}
