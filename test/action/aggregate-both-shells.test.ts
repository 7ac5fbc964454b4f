import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.js";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { git, repoWithBranch } from "./helpers/git-fixture.js";
import { policyInput } from "./helpers/policy-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const RUN_URL = "https://github.example/lab/study/actions/runs/4242";

function checkout(bare: string): string {
  const dir = tempDir("labgate-job-");
  git(dir, "clone", "-q", "--branch", "pr-1", bare, ".");
  return dir;
}

/** state.json without its `updated` line: the one field that says when it was written. */
const withoutUpdated = (text: string) => text.replace(/^ {2}"updated": .*\n/m, "");

describe("one aggregate for both shells (issue #14)", () => {
  it("the CLI and the action write the same state.json and all_results.csv from the same sidecars", async () => {
    // Seeds 2 and 10: the plan runs s2 before s10, file names sort s10 first.
    const repo = repoWithBranch(campaignFiles({ seeds: [2, 10], failOn: 10 }));
    const store = tempDir("labgate-artifacts-");
    for (const shard of ["0", "1"]) {
      const run = await runBundledAction(
        { mode: "run", policy: policyInput(), sha: repo.head, shard },
        { GITHUB_WORKSPACE: checkout(repo.bare), LABGATE_ARTIFACT_DIR: store },
      );
      expect(run.outputs.artifact).toBe(`labgate-shard-${shard}-attempt1`);
    }

    // The action shell: the shards' artifacts, committed through the Git Data API.
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      bareRepo: repo.bare,
      defaultBranch: "main",
    });
    const workspace = checkout(repo.bare);
    const action = await runBundledAction(
      { mode: "aggregate", sha: repo.head, branch: "pr-1", phase: "full", token: "t" },
      {
        GITHUB_WORKSPACE: workspace,
        LABGATE_ARTIFACT_DIR: store,
        GITHUB_API_URL: fake.url,
      },
    );
    expect(action.log).not.toContain("::error::");
    expect(action.code).toBe(0);
    // The sidecars are data: nothing was copied into the checkout, no state.json written there.
    expect(git(workspace, "status", "--porcelain", "--untracked-files=all")).toBe("");
    const actionState = git(repo.bare, "show", "pr-1:dispatch/state.json");
    const actionCsv = git(repo.bare, "show", "pr-1:experiments/results/all_results.csv");

    // The CLI shell: the same sidecars and result files in a checkout of the approved commit.
    const local = tempDir("labgate-local-");
    git(local, "clone", "-q", repo.bare, ".");
    git(local, "checkout", "-q", repo.head);
    for (const artifact of ["labgate-shard-0-attempt1", "labgate-shard-1-attempt1"])
      for (const dir of ["dispatch", "experiments/results/runs"])
        if (existsSync(join(store, artifact, dir)))
          cpSync(join(store, artifact, dir), join(local, dir), { recursive: true });
    const cli = await runCli(
      ["aggregate", "--no-commit", "--phase", "full", "--run-url", RUN_URL],
      local,
    );
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    const cliState = readFileSync(join(local, "dispatch/state.json"), "utf8");
    const cliCsv = readFileSync(join(local, "experiments/results/all_results.csv"), "utf8");

    const ids = JSON.parse(cliState).experiments.map((e: { id: string }) => e.id);
    expect(ids).toEqual(["full-base_s2", "full-base_s10", "full-ours_s2", "full-ours_s10"]);
    expect(withoutUpdated(`${actionState}\n`)).toBe(withoutUpdated(cliState));
    expect(`${actionCsv}\n`).toBe(cliCsv);
  }, 180_000);
});
