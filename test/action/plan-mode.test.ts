import { afterEach, describe, expect, it } from "vitest";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";
import { type FakeGitHub, startFakeGitHub } from "../helpers/fake-github.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("action mode plan (bundled, as the runner runs it)", () => {
  it("outputs the matrix and the run count for the approved sha", async () => {
    const repo = repoWithBranch(campaignFiles());
    const run = await runBundledAction(
      { mode: "plan", sha: repo.head, phase: "full" },
      { GITHUB_WORKSPACE: repo.work },
    );
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs.runs).toBe("6");
    expect(run.outputs.shards).toBe("2");
    const matrix = JSON.parse(run.outputs.matrix as string);
    expect(matrix.include.map((e: any) => [e.shard, e.runs, e.runs_on])).toEqual([
      [0, 3, ["self-hosted", "gpu"]],
      [1, 3, ["self-hosted", "gpu"]],
    ]);
    expect(run.summary).toContain("## labgate plan: 6 runs in 2 shard(s)");
    expect(run.summary).toContain("| shard | pool | runs-on | runs | GPU-hours |");
  });

  it("never emits more than 256 shards", async () => {
    const d = validDefinitions();
    d.defaults.seeds = Array.from({ length: 500 }, (_, i) => i + 1);
    d.defaults.vram_mb = 0;
    const repo = repoWithBranch({
      "experiments/definitions.json": asText(d),
      "train.py": "",
      ".github/labgate.yml":
        "runner_pools:\n  - name: gpu\n    labels: [self-hosted, gpu]\n    machines: 1000\n",
    });
    const run = await runBundledAction(
      { mode: "plan", sha: repo.head },
      { GITHUB_WORKSPACE: repo.work },
    );
    expect(run.code).toBe(0);
    expect(Number(run.outputs.runs)).toBe(1500);
    expect(JSON.parse(run.outputs.matrix as string).include).toHaveLength(256);
  });

  it("fails when the checkout is not the requested sha", async () => {
    const repo = repoWithBranch(campaignFiles());
    const other = "0123456789abcdef0123456789abcdef01234567";
    const run = await runBundledAction(
      { mode: "plan", sha: other },
      { GITHUB_WORKSPACE: repo.work },
    );
    expect(run.code).toBe(1);
    expect(run.log).toContain(
      `::error::the checkout is at ${repo.head}, not the requested sha ${other}`,
    );
    expect(run.outputs.matrix).toBeUndefined();
    expect(run.summary).toContain("## labgate plan: refused");
  });

  it("refuses a PR from a fork", async () => {
    const repo = repoWithBranch(campaignFiles());
    fake = await startFakeGitHub({
      owner: "lab",
      repo: "study",
      pulls: { 7: { ref: "feature", sha: repo.head, headRepo: "mallory/study" } },
    });
    const run = await runBundledAction(
      { mode: "plan", sha: repo.head, pr: "7", token: "t" },
      { GITHUB_WORKSPACE: repo.work, GITHUB_API_URL: fake.url },
    );
    expect(run.code).toBe(1);
    expect(run.log).toContain("comes from the fork mallory/study");
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /repos/lab/study/pulls/7",
    ]);
  });

  it("reports a campaign that does not plan with file and line", async () => {
    const files = campaignFiles();
    files["experiments/definitions.json"] = files["experiments/definitions.json"]?.replace(
      '"method": "ours"',
      '"method": "nope"',
    ) as string;
    const repo = repoWithBranch(files);
    const run = await runBundledAction(
      { mode: "plan", sha: repo.head },
      { GITHUB_WORKSPACE: repo.work },
    );
    expect(run.code).toBe(1);
    expect(run.summary).toMatch(/experiments\/definitions\.json:\d+:\d+: error/);
    expect(run.summary).toContain("nope");
  });

  it("names every bad input before doing any work", async () => {
    const run = await runBundledAction({ mode: "plan", sha: "abc", phase: "final" }, {});
    expect(run.code).toBe(1);
    expect(run.log).toContain(
      'input `sha`: expected a full 40-character lower-case commit SHA (got "abc")',
    );
    expect(run.log).toContain("input `phase`");
    expect(run.summary).toContain("## labgate: bad inputs");
    const unknown = await runBundledAction({ mode: "deploy" }, {});
    expect(unknown.log).toMatch(/unknown mode "deploy"; use one of: plan, .*dry-run/);
    const missing = await runBundledAction({ mode: "plan" }, {});
    expect(missing.log).toContain('input `sha` is required in mode "plan"');
  });
});
