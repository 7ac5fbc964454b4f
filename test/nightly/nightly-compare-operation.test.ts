import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Config } from "../../src/core/config/config-schema.js";
import { createOctokit } from "../../src/github/octokit.js";
import { nightlyCompare } from "../../src/operations/nightly-compare.js";
import { createTestRepo, type TestRepo } from "../helpers/git-repo.js";

const API = "https://api.github.com";
const git = (dir: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();

let repo: TestRepo;
const log = { info: () => undefined, warning: () => undefined };
const config = Config.parse({});

/** What `labgate aggregate --no-commit` leaves in the checkout after tonight's runs. */
function aggregate(fusion: number) {
  const row = (exp_id: string, mean: number) => ({
    exp_id,
    method: exp_id.split("-")[1],
    dataset: "iris",
    metric: "accuracy",
    n: 3,
    mean,
    std: 0.003,
    min: mean,
    max: mean,
    best: false,
    delta_vs_baseline: null,
    direction: "higher",
  });
  mkdirSync(join(repo.dir, "experiments/results"), { recursive: true });
  writeFileSync(
    join(repo.dir, "experiments/results/aggregated.json"),
    JSON.stringify({
      project: "demo",
      rows: [row("full-fusion-iris", fusion), row("full-logreg-iris", 0.95)],
    }),
  );
  writeFileSync(join(repo.dir, "experiments/results/aggregated.csv"), "exp_id,method\n");
}

const run = async (date: string) =>
  nightlyCompare(
    {
      octokit: createOctokit({ token: "t", retries: 0 }),
      git: repo.repo,
      log,
      clock: () => new Date(`${date}T04:00:00Z`),
      tmpDir: tmpdir(),
    },
    {
      cwd: repo.dir,
      owner: "lab",
      repo: "study",
      defaultBranch: "main",
      sha: git(repo.dir, "rev-parse", "HEAD"),
      config,
      runUrl: "https://github.com/lab/study/actions/runs/42",
    },
  );

beforeEach(async () => {
  nock.disableNetConnect();
  repo = await createTestRepo();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("nightlyCompare (real git, bare remote; GitHub API via nock)", () => {
  it("first night opens ONE draft PR from labgate/nightly; the next night updates it with the regression and the missed night", async () => {
    aggregate(0.96);
    let created: any;
    const first = nock(API)
      .get("/repos/lab/study/pulls")
      .query({ head: "lab:labgate/nightly", base: "main", state: "open", per_page: "10" })
      .reply(200, [])
      .post("/repos/lab/study/pulls", (b) => {
        created = b;
        return true;
      })
      .reply(201, { number: 5, html_url: "https://github.com/lab/study/pull/5", draft: true });
    const one = await run("2025-06-01");
    first.done();
    expect(created).toMatchObject({ head: "labgate/nightly", base: "main", draft: true });
    expect(created.title).toBe("labgate nightly 2025-06-01: 0 regression(s)");
    expect(created.body).toContain("first night: nothing to compare with");
    expect(one.pr.action).toBe("created");
    const tree1 = git(repo.remote, "ls-tree", "-r", "--name-only", "labgate/nightly");
    expect(tree1.split("\n").filter((p) => p.includes("nightly/"))).toEqual([
      "experiments/results/nightly/2025-06-01/README.md",
      "experiments/results/nightly/2025-06-01/aggregated.csv",
      "experiments/results/nightly/2025-06-01/aggregated.json",
      "experiments/results/nightly/2025-06-01/comparison.json",
      "experiments/results/nightly/2025-06-01/trend.svg",
    ]);
    expect(
      git(repo.remote, "show", "labgate/nightly:experiments/results/nightly/2025-06-01/trend.svg"),
    ).toMatch(/^<svg/);

    // The default branch moves on; a night is skipped; then fusion drops 6%.
    await repo.commit({ "train.py": "print(1)\n" }, "new code");
    await repo.git.push("origin", "main");
    aggregate(0.9);
    let patched: any;
    const second = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [{ number: 5, html_url: "https://github.com/lab/study/pull/5", draft: true }])
      .patch("/repos/lab/study/pulls/5", (b) => {
        patched = b;
        return true;
      })
      .reply(200, { number: 5, html_url: "https://github.com/lab/study/pull/5", draft: true });
    const two = await run("2025-06-03");
    second.done();
    expect(two.pr).toEqual({
      action: "updated",
      number: 5,
      url: "https://github.com/lab/study/pull/5",
    });
    expect(two.report.previousDate).toBe("2025-06-01");
    expect(two.report.regressions.map((r) => r.exp_id)).toEqual(["full-fusion-iris"]);
    expect(two.report.missed).toEqual([{ from: "2025-06-02", to: "2025-06-02", nights: 1 }]);
    expect(patched.title).toBe("labgate nightly 2025-06-03: 1 regression(s), missed nights");
    expect(patched.body).toContain("**1 regression**");
    // Neither night kept a provenance.json (nor, in this fixture, source_commits): unknown, said so.
    expect(two.report.regressions[0]?.origin).toMatchObject({
      code: "unknown",
      machine: "unknown",
    });
    expect(patched.body).toContain("machine unknown (2025-06-01: no provenance.json beside");
    expect(patched.body).toContain("- 2025-06-02 (1 night, no results)");
    expect(patched.body).toContain(
      `![nightly trend](https://github.com/lab/study/blob/${two.commit}/experiments/results/nightly/2025-06-03/trend.svg?raw=true)`,
    );
    // One commit on the new default-branch head, holding both nights.
    expect(git(repo.remote, "rev-parse", "labgate/nightly^")).toBe(
      git(repo.remote, "rev-parse", "main"),
    );
    const tree2 = git(repo.remote, "ls-tree", "-r", "--name-only", "labgate/nightly");
    expect(tree2).toContain("experiments/results/nightly/2025-06-01/aggregated.json");
    expect(tree2).toContain("experiments/results/nightly/2025-06-03/aggregated.json");
    expect(git(repo.remote, "log", "-1", "--format=%B", "labgate/nightly")).toContain(
      "Labgate-Run: https://github.com/lab/study/actions/runs/42",
    );
    // Tonight's files are also in the checkout for the artifact upload; the checkout stays on main.
    expect(existsSync(join(repo.dir, "experiments/results/nightly/2025-06-03/trend.svg"))).toBe(
      true,
    );
    expect(git(repo.dir, "rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
  });

  it("same code, new driver: tonight's provenance.json is kept with the night, and the regression says the machine changed, not the code (golden report)", async () => {
    const sha = git(repo.dir, "rev-parse", "HEAD");
    const machine = {
      gpu_model: "NVIDIA A100-SXM4-40GB",
      driver_version: "535.104.05",
      cuda_version: "12.2",
      interpreter: "python3",
      interpreter_version: "Python 3.11.9",
      lock_file: "requirements.txt",
      lock_sha256: "a".repeat(64),
    };
    /** provenance.json as `labgate aggregate` writes it beside aggregated.json. */
    const provenance = (m: object) =>
      writeFileSync(
        join(repo.dir, "experiments/results/provenance.json"),
        JSON.stringify({
          project: "demo",
          generated: "2025-06-01T04:00:00Z",
          runs: ["full-fusion-iris", "full-logreg-iris"].flatMap((exp) =>
            [1, 2, 3].map((seed) => ({
              run_id: `${exp}_s${seed}`,
              exp_id: exp,
              phase: "full",
              status: "done",
              git_commit: sha,
              machine: m,
            })),
          ),
        }),
      );
    const pulls = () =>
      nock(API)
        .get("/repos/lab/study/pulls")
        .query(true)
        .reply(200, [{ number: 5, html_url: "https://github.com/lab/study/pull/5", draft: true }])
        .patch("/repos/lab/study/pulls/5", (b) => {
          body = b.body;
          return true;
        })
        .reply(200, { number: 5, html_url: "https://github.com/lab/study/pull/5", draft: true });
    let body = "";
    aggregate(0.96);
    provenance(machine);
    const first = pulls();
    const one = await run("2025-06-01");
    first.done();
    expect(one.files).toContain("experiments/results/nightly/2025-06-01/provenance.json");
    expect(
      git(repo.remote, "ls-tree", "-r", "--name-only", "labgate/nightly").split("\n"),
    ).toContain("experiments/results/nightly/2025-06-01/provenance.json");

    // The same commit the next night, on a machine whose driver was upgraded: fusion drops.
    aggregate(0.9);
    provenance({ ...machine, driver_version: "550.54.14" });
    const second = pulls();
    const two = await run("2025-06-02");
    second.done();
    const summary = `same code (${sha.slice(0, 12)}), machine changed: driver 535.104.05 → 550.54.14`;
    expect(two.report.regressions.map((r) => [r.exp_id, r.origin?.summary])).toEqual([
      ["full-fusion-iris", summary],
    ]);
    expect(body).toContain(`  - what changed: ${summary}\n`);
    const readme = git(
      repo.remote,
      "show",
      "labgate/nightly:experiments/results/nightly/2025-06-02/README.md",
    );
    await expect(readme.replaceAll(sha.slice(0, 12), "<sha>")).toMatchFileSnapshot(
      "__snapshots__/nightly-same-code-new-driver.md",
    );
  });

  it("refuses clearly when tonight was not aggregated", async () => {
    await expect(run("2025-06-01")).rejects.toThrow(
      "experiments/results/aggregated.json not found: run the nightly experiments and `labgate aggregate --no-commit` before nightly-compare.",
    );
  });
});
