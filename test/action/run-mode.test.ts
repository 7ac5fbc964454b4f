import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { git, repoWithBranch } from "./helpers/git-fixture.js";
import { policyInput } from "./helpers/policy-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

/** The plan job's output `policy`: the default branch's labgate.yml (the fixture's). */
const POLICY = policyInput();

const listFiles = (dir: string, prefix = ""): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );

describe("action mode run (bundled, self-hosted runner)", () => {
  it("runs its shard and uploads sidecars, result files and logs as one artifact, never committing", async () => {
    const repo = repoWithBranch(campaignFiles());
    const store = tempDir("labgate-artifacts-");
    const run = await runBundledAction(
      { mode: "run", policy: POLICY, sha: repo.head, shard: "1", phase: "full" },
      { GITHUB_WORKSPACE: repo.work, LABGATE_ARTIFACT_DIR: store },
    );
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs).toMatchObject({
      runs: "3",
      failed: "0",
      artifact: "labgate-shard-1-attempt1",
    });
    expect(run.log).toMatch(/first run process started \d+ ms after the action started/);
    const files = listFiles(join(store, "labgate-shard-1-attempt1")).sort();
    const manifest = JSON.parse(
      readFileSync(join(store, "labgate-shard-1-attempt1/.labgate/shards/shard-1.json"), "utf8"),
    );
    expect(manifest).toMatchObject({ shard: 1, sha: repo.head, runner: "gpu-box-1", error: null });
    expect(manifest.run_url).toBe("https://github.example/lab/study/actions/runs/4242");
    expect(manifest.run_ids).toHaveLength(3);
    for (const id of manifest.run_ids) {
      expect(files).toContain(`dispatch/${id}.status.json`);
      expect(files).toContain(`experiments/results/runs/${id}.json`);
      expect(files).toContain(`.labgate/logs/${id}.log`);
      const sidecar = JSON.parse(
        readFileSync(join(store, "labgate-shard-1-attempt1", `dispatch/${id}.status.json`), "utf8"),
      );
      expect(sidecar).toMatchObject({ status: "done", shard: 1, git_commit: repo.head });
      expect(sidecar.run_url).toBe(manifest.run_url);
    }
    expect(files).toHaveLength(1 + 3 * 3);
    // Never commits: the branch and the checkout's HEAD are untouched.
    expect(git(repo.work, "rev-parse", "HEAD")).toBe(repo.head);
    expect(git(repo.bare, "rev-parse", "pr-1")).toBe(repo.head);
    expect(run.summary).toContain("## labgate run: shard 1 — 3/3 done");
  });

  it("uploads the artifact also when runs fail, and ends red", async () => {
    const repo = repoWithBranch(campaignFiles({ failOn: 2 }));
    const store = tempDir("labgate-artifacts-");
    // Two runners, each with its own checkout, as two matrix jobs on two machines.
    const checkouts = [repo.work, tempDir("labgate-runner2-")];
    git(checkouts[1] as string, "clone", "-q", "--branch", "pr-1", repo.bare, ".");
    const outcomes = await Promise.all(
      ["0", "1"].map((shard, i) =>
        runBundledAction(
          { mode: "run", policy: POLICY, sha: repo.head, shard },
          { GITHUB_WORKSPACE: checkouts[i] as string, LABGATE_ARTIFACT_DIR: store },
        ),
      ),
    );
    const failed = outcomes.reduce((n, o) => n + Number(o.outputs.failed), 0);
    expect(failed).toBe(2);
    expect(readdirSync(store).sort()).toEqual([
      "labgate-shard-0-attempt1",
      "labgate-shard-1-attempt1",
    ]);
    const red = outcomes.filter((o) => o.code !== 0);
    expect(red.length).toBeGreaterThan(0);
    for (const o of red) expect(o.log).toMatch(/::error::\d of 3 run\(s\) did not end done/);
    const sidecars = outcomes.flatMap((_, s) =>
      readdirSync(join(store, `labgate-shard-${s}-attempt1/dispatch`)).map((f) =>
        JSON.parse(readFileSync(join(store, `labgate-shard-${s}-attempt1/dispatch`, f), "utf8")),
      ),
    );
    const bad = sidecars.filter((e) => e.status === "failed");
    expect(bad.map((e) => e.id).sort()).toEqual(["full-base_s2", "full-ours_s2"]);
    for (const e of bad) expect(e.exit_code).toBe(3);
  });

  it("refuses to start when HEAD is not the approved sha", async () => {
    const repo = repoWithBranch(campaignFiles());
    const store = tempDir("labgate-artifacts-");
    const approved = "0123456789abcdef0123456789abcdef01234567";
    const run = await runBundledAction(
      { mode: "run", policy: POLICY, sha: approved, shard: "0" },
      { GITHUB_WORKSPACE: repo.work, LABGATE_ARTIFACT_DIR: store },
    );
    expect(run.code).toBe(1);
    expect(run.log).toContain(`not the requested sha ${approved}`);
    expect(existsSync(join(repo.work, ".labgate/logs"))).toBe(false);
    expect(readdirSync(store)).toEqual([]);
  });

  it("refuses a shard the plan does not have", async () => {
    const repo = repoWithBranch(campaignFiles());
    const run = await runBundledAction(
      { mode: "run", policy: POLICY, sha: repo.head, shard: "9" },
      { GITHUB_WORKSPACE: repo.work, LABGATE_ARTIFACT_DIR: tempDir() },
    );
    expect(run.code).toBe(1);
    expect(run.log).toContain("shard 9 does not exist: the plan at");
  });
});

describe("action mode run holds no credential the experiments could read (docs/security.md)", () => {
  // An experiment reads its parent's environment: /proc/$PPID/environ is the action's node process.
  const stealer = (out: string) => {
    const files = campaignFiles();
    files["train.py"] = `import os
env = open(f"/proc/{os.getppid()}/environ", "rb").read().split(b"\\0")
with open(${JSON.stringify(out)}, "ab") as f:
    f.write(b"\\n".join(v for v in env if v.startswith((b"INPUT_TOKEN=", b"GH_TOKEN="))))
${files["train.py"]}`;
    return files;
  };

  it("refuses to start when given `token:` (the action's default github.token), running nothing", async () => {
    const out = join(tempDir("labgate-stolen-"), "stolen");
    const repo = repoWithBranch(stealer(out));
    const store = tempDir("labgate-artifacts-");
    const run = await runBundledAction(
      { mode: "run", policy: POLICY, sha: repo.head, shard: "0", token: "ghs_actionDefaultToken" },
      { GITHUB_WORKSPACE: repo.work, LABGATE_ARTIFACT_DIR: store },
    );
    expect(run.code).toBe(1);
    expect(run.log).toContain(
      "::error::mode run runs repository code (the experiments) and must hold no token",
    );
    expect(run.log).toContain("set `token: ''` on this step");
    expect(run.outputs).toMatchObject({ runs: "0", failed: "0", refused: "token-given" });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(repo.work, ".labgate/logs"))).toBe(false);
    expect(readdirSync(store)).toEqual([]);
  });

  it("refuses to start when the step's environment holds a credential, naming it", async () => {
    const out = join(tempDir("labgate-stolen-"), "stolen");
    const repo = repoWithBranch(stealer(out));
    const store = tempDir("labgate-artifacts-");
    const run = await runBundledAction(
      { mode: "run", policy: POLICY, sha: repo.head, shard: "0" },
      { GITHUB_WORKSPACE: repo.work, LABGATE_ARTIFACT_DIR: store, GH_TOKEN: "ghp_personal" },
    );
    expect(run.code).toBe(1);
    expect(run.log).toContain(
      "::error::mode run runs repository code and must hold no credential, but the step's environment has GH_TOKEN",
    );
    expect(run.outputs).toMatchObject({ refused: "token-in-env" });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(store)).toEqual([]);
  });
});

describe("action mode run plans with the default branch's config, never the checkout's", () => {
  it("ignores the PR's runner_pools: a shard that only the PR's config has does not exist", async () => {
    const files = campaignFiles();
    files[".github/labgate.yml"] =
      "runner_pools:\n  - name: gpu\n    labels: [self-hosted, gpu, prod-deploy]\n    machines: 6\n    gpu_memory_mb: 24576\n";
    const repo = repoWithBranch(files);
    const run = await runBundledAction(
      { mode: "run", policy: POLICY, sha: repo.head, shard: "5" },
      { GITHUB_WORKSPACE: repo.work, LABGATE_ARTIFACT_DIR: tempDir() },
    );
    expect(run.code).toBe(1);
    expect(run.log).toContain("shard 5 does not exist: the plan at");
    expect(existsSync(join(repo.work, ".labgate/logs"))).toBe(false);
  });

  it("refuses to start without the plan job's `policy`, saying where it comes from", async () => {
    const repo = repoWithBranch(campaignFiles());
    const store = tempDir("labgate-artifacts-");
    const run = await runBundledAction(
      { mode: "run", sha: repo.head, shard: "0" },
      { GITHUB_WORKSPACE: repo.work, LABGATE_ARTIFACT_DIR: store },
    );
    expect(run.code).toBe(1);
    expect(run.outputs.refused).toBe("policy-missing");
    expect(run.log).toContain("::error::mode run needs input `policy`");
    expect(run.log).toContain(`set \`policy: $${"{{"} needs.plan.outputs.policy }}\` on this step`);
    expect(readdirSync(store)).toEqual([]);
  });
});

describe("action mode run: what a run leaves as links stays out of the artifact (docs/security.md)", () => {
  it("uploads no symbolic link, nor what it points at, that a run left at its result or log path", async () => {
    const outside = tempDir("labgate-outside-");
    const secret = join(outside, "secret.json");
    writeFileSync(secret, '{"metrics": {"accuracy": 1}, "meta": {"token": "ghs_RUNNER_SECRET"}}\n');
    const files = campaignFiles({ seeds: [1] });
    // a run that writes its result, then swaps it and its log for links to a file of the machine
    files["train.py"] = `${files["train.py"]}
import os
log = os.path.join(".labgate", "logs", os.environ["LABGATE_RUN_ID"] + ".log")
for path in (a.result_file, log):
    os.remove(path)
    os.symlink(${JSON.stringify(secret)}, path)
`;
    const repo = repoWithBranch(files);
    const store = tempDir("labgate-artifacts-");
    const run = await runBundledAction(
      { mode: "run", policy: POLICY, sha: repo.head, shard: "0", phase: "full" },
      { GITHUB_WORKSPACE: repo.work, LABGATE_ARTIFACT_DIR: store },
    );
    expect(run.code).toBe(1);
    const artifact = join(store, "labgate-shard-0-attempt1");
    const uploaded = listFiles(artifact);
    for (const f of uploaded) {
      expect(lstatSync(join(artifact, f)).isFile()).toBe(true);
      expect(readFileSync(join(artifact, f), "utf8")).not.toContain("ghs_RUNNER_SECRET");
    }
    const id = "full-base_s1";
    expect(uploaded).toContain(`dispatch/${id}.status.json`);
    expect(uploaded).not.toContain(`experiments/results/runs/${id}.json`);
    expect(uploaded).not.toContain(`.labgate/logs/${id}.log`);
    expect(run.log).toContain(
      `.labgate/logs/${id}.log: not uploaded: it is a symbolic link, not a regular file`,
    );
    const sidecar = JSON.parse(readFileSync(join(artifact, `dispatch/${id}.status.json`), "utf8"));
    expect(sidecar.status).toBe("failed");
    expect(sidecar.reason).toMatch(
      /^invalid-result: experiments\/results\/runs\/full-base_s1\.json: is a symbolic link/,
    );
  });
});

describe("action mode run without an artifact store", () => {
  it("stops before running anything, saying how to keep artifacts", async () => {
    const repo = repoWithBranch(campaignFiles());
    const run = await runBundledAction(
      { mode: "run", policy: POLICY, sha: repo.head, shard: "0" },
      { GITHUB_WORKSPACE: repo.work },
    );
    expect(run.code).toBe(1);
    expect(run.log).toContain("no artifact store: ACTIONS_RUNTIME_TOKEN is not set");
    expect(run.log).toContain("LABGATE_ARTIFACT_DIR");
    expect(existsSync(join(repo.work, ".labgate/logs"))).toBe(false);
  });
});
