import type { Verdict } from "../../core/gates/verdict.js";
import { diskWorkspace } from "../disk-workspace.js";
import { reviewGates } from "../review-gates.js";

export interface DryRunGateInput {
  /** The checkout of the commit under review; the dry-runs run here. */
  cwd: string;
}

/**
 * The code-review gate with its dry-runs (docs/gates.md), on a GitHub-hosted CPU runner. It returns the
 * verdict and writes nothing anywhere: the gates workflow's job holds no token, and the labgate app
 * reads the job's conclusion back through the API (docs/security.md, "The code-review dry-run").
 */
export async function dryRunGate(input: DryRunGateInput): Promise<Verdict> {
  const { verdicts } = await reviewGates({
    workspace: diskWorkspace(input.cwd),
    only: ["code-review"],
    dryRun: "run",
    cwd: input.cwd,
  });
  const verdict = verdicts.find((v) => v.gate === "code-review");
  if (!verdict) throw new Error("the code-review gate returned no verdict");
  return verdict;
}
