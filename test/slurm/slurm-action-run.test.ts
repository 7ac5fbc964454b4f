import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { campaignFiles } from "../action/helpers/campaign-fixture.js";
import { repoWithBranch } from "../action/helpers/git-fixture.js";
import { policyInput } from "../action/helpers/policy-fixture.js";
import { runBundledAction } from "../action/helpers/run-bundled-action.js";
import { tempDir } from "../helpers/temp-dir.js";
import { describeSlurm, manifests, SLURM_ENV, slurmConfig, taskOutputs } from "./slurm-cluster.js";

describeSlurm("the action's run mode on a runner pool with executor: slurm", () => {
  it("submits its shard as a job array; the tasks run the bundle's per-run step; the artifact holds their sidecars and results", async () => {
    const files = campaignFiles();
    files[".github/labgate.yml"] = slurmConfig().replace(
      "gpus_per_machine: 2",
      "machines: 2\n    gpus_per_machine: 2",
    );
    const repo = repoWithBranch(files);
    const store = tempDir("labgate-artifacts-");
    const run = await runBundledAction(
      {
        mode: "run",
        policy: policyInput(files[".github/labgate.yml"]),
        sha: repo.head,
        shard: "0",
        phase: "full",
      },
      { GITHUB_WORKSPACE: repo.work, LABGATE_ARTIFACT_DIR: store, ...SLURM_ENV },
      { timeoutMs: 200_000 },
    );
    expect(run.code, `${run.log}\n${taskOutputs(repo.work)}`).toBe(0);
    expect(run.outputs).toMatchObject({
      runs: "3",
      failed: "0",
      artifact: "labgate-shard-0-attempt1",
    });
    expect(manifests(repo.work)).toHaveLength(1);
    const dir = join(store, "labgate-shard-0-attempt1/dispatch");
    const sidecars = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));
    expect(sidecars).toHaveLength(3);
    for (const s of sidecars) {
      expect(s).toMatchObject({ status: "done", shard: 0, git_commit: repo.head });
      expect(s.job_id).toMatch(/^slurm:labgate-test:\d+_[0-2]$/);
      expect(s.run_url).toBe("https://github.example/lab/study/actions/runs/4242");
    }
  }, 240_000);
});
