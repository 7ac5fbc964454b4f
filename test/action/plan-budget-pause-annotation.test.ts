import { afterEach, describe, expect, it } from "vitest";
import { budgetPauseRefusal, decodeBudgetPause } from "../../src/core/budget/budget-pause.js";
import type { StateEntry } from "../../src/core/state/state-entry.js";
import { type ApprovalRecord, encodeApproval } from "../../src/github/check-run-protocol.js";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.js";
import { stateEntry } from "../helpers/state-fixture.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

/**
 * The app believes a budget pause only in an annotation that is exactly labgate's own refusal for
 * it (`budgetPauseRefusal`, plan-outcome-of-run.ts): the plan step's real annotation, as the
 * runner makes it from `::error::`, must be that text, or a genuine pause would be ignored.
 */
const APP = { id: 101, slug: "labgate" };
const PR = 7;
const RESULTS_HEAD = "e".repeat(40);
let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function phase8(id: number, onSha: string, approved: string) {
  const record: ApprovalRecord = {
    v: 1,
    pr: PR,
    sha: approved,
    phase: "full",
    by: "alice",
    at: "2026-11-30T12:00:00Z",
    state: "approved",
    budget_gpu_hours: 0.05,
    budget_from: "definitions",
  };
  return {
    id,
    name: "labgate/phase8",
    head_sha: onSha,
    status: "in_progress",
    conclusion: null,
    external_id: encodeApproval(record),
    app: { id: APP.id, slug: APP.slug },
    output: { title: "Approved by @alice", summary: "" },
  };
}

describe("the plan step's budget refusal, as its job annotation", () => {
  it("is exactly labgate's own refusal for the pause it ends with", async () => {
    const files = campaignFiles();
    const config = `${files[".github/labgate.yml"]}dispatch:\n  max_job_hours: 0.025\n`;
    files[".github/labgate.yml"] = config;
    const repo = repoWithBranch(files);
    const entries: StateEntry[] = [
      "full-base_s1",
      "full-base_s2",
      "full-base_s3",
      "full-ours_s1",
    ].map((id) => stateEntry({ id, status: "done", git_commit: repo.head, duration_hours: 0.01 }));
    const state = `${JSON.stringify({ project: "demo", updated: "2026-11-30T12:00:00Z", experiments: entries })}\n`;
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      pulls: { [PR]: { ref: "feature", sha: RESULTS_HEAD } },
      apps: { [APP.slug]: APP.id },
      permissions: { alice: "write" },
      defaultBranch: "main",
      checkRuns: [phase8(1, repo.head, repo.head), phase8(2, RESULTS_HEAD, repo.head)] as never,
      compares: {
        [`${repo.head}...${RESULTS_HEAD}`]: {
          status: "ahead",
          files: ["experiments/results/aggregated.json", "dispatch/state.json"],
        },
      },
      files: {
        main: { ".github/labgate.yml": config },
        [RESULTS_HEAD]: { "dispatch/state.json": state },
      },
    });
    const run = await runBundledAction(
      {
        mode: "plan",
        pr: String(PR),
        token: "ghs_dispatch",
        sha: repo.head,
        phase: "full",
        wave: "2",
      },
      { GITHUB_WORKSPACE: repo.work, GITHUB_API_URL: fake.url },
    );
    expect(run.code).toBe(1);
    const annotations = run.log
      .split("\n")
      .filter((l) => l.startsWith("::error"))
      .map((l) =>
        l
          .replace(/^::error[^:]*::/, "")
          .replace(/%0D/g, "\r")
          .replace(/%0A/g, "\n")
          .replace(/%25/g, "%"),
      );
    expect(annotations).toHaveLength(1);
    const pause = decodeBudgetPause(annotations[0]);
    expect(pause).toMatchObject({ wave: 2, budget_gpu_hours: 0.05 });
    expect(annotations[0]).toBe(budgetPauseRefusal(pause as NonNullable<typeof pause>, PR));
  });
});
