import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defineMode, type ModeResult } from "../action-mode.js";

/** Where `autofix-plan` leaves the plan for the `autofix` step of the same job. */
export const autofixPlanFile = (tempDir: string, pr: number) =>
  join(tempDir, "labgate-autofix", `plan-${pr}.json`);

/**
 * `autofix-plan` (docs/security.md, "Autofix"): the first step of the autofix job. With a
 * read-only token (contents, checks, pull-requests: read) it reads PR `pr`, its failing
 * `labgate/*` checks, the failed runs in its `dispatch/state.json` and the fixers from the default
 * branch's `.github/labgate.yml`, and leaves the plan for the `autofix` step. Runs no repository
 * code. Outputs `autofix` (planned | nothing-to-answer | fork) and `sha`, the PR head to check out.
 */
export const autofixPlanMode = defineMode({
  requires: ["pr"],
  async run({ inputs, env, octokit }): Promise<ModeResult> {
    const number = inputs.pr;
    const { planAutofix } = await import("../../operations/autofix-plan.js");
    const r = await planAutofix(octokit(), { owner: env.owner, repo: env.repo }, number);
    const summary = `## labgate autofix plan for #${number}: ${r.kind}\n\n${r.message}\n`;
    if (r.kind === "config-invalid")
      return { outputs: { autofix: r.kind, sha: "" }, summary, failure: r.message };
    if (r.kind !== "planned")
      return { outputs: { autofix: r.kind, sha: "headSha" in r ? r.headSha : "" }, summary };
    const file = autofixPlanFile(env.tempDir, number);
    await mkdir(join(file, ".."), { recursive: true });
    await writeFile(file, JSON.stringify(r.plan));
    return { outputs: { autofix: r.kind, sha: r.plan.pr.headSha }, summary };
  },
});
