import type { CheckRunInfo } from "../../github/check-runs.js";
import { DRY_RUN_PENDING } from "../publish-gate-checks.js";

const REQUIRED = ["labgate/definitions", "labgate/code-review", "labgate/design-debate"] as const;

/**
 * Why the gates on a commit are not all green, from its check runs (an empty list: all green).
 * Code review counts once a run reports its dry-run (the app's own static-only run says "dry-run
 * pending" and does not count); the newest such report must be a success. A pilot check, when
 * there is one, must say PROCEED (success).
 */
export function gateProblems(checks: readonly CheckRunInfo[]): string[] {
  const problems: string[] = [];
  for (const name of REQUIRED) {
    const runs = checks.filter((c) => c.name === name);
    if (runs.length === 0) {
      problems.push(`\`${name}\` has not run on this commit`);
      continue;
    }
    if (name === "labgate/code-review") {
      const reported = runs.find(
        (c) => c.status === "completed" && !c.title?.endsWith(DRY_RUN_PENDING),
      );
      if (!reported) problems.push(`\`${name}\`: the dry-run is still pending`);
      else if (reported.conclusion !== "success")
        problems.push(`\`${name}\` is ${reported.conclusion}${title(reported)}`);
      continue;
    }
    const latest = runs[0] as CheckRunInfo;
    if (latest.status !== "completed") problems.push(`\`${name}\` is still ${latest.status}`);
    else if (latest.conclusion !== "success")
      problems.push(`\`${name}\` is ${latest.conclusion}${title(latest)}`);
  }
  const pilot = checks.find((c) => c.name === "labgate/pilot");
  if (pilot && (pilot.status !== "completed" || pilot.conclusion !== "success"))
    problems.push(`\`labgate/pilot\` is ${pilot.conclusion ?? pilot.status}${title(pilot)}`);
  return problems;
}

const title = (c: CheckRunInfo) => (c.title ? ` (${c.title})` : "");
