import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function repoWith(defs: unknown, config?: string): string {
  const dir = tempDir();
  mkdirSync(join(dir, "experiments"), { recursive: true });
  writeFileSync(
    join(dir, "experiments/definitions.json"),
    typeof defs === "string" ? defs : asText(defs),
  );
  if (config !== undefined) {
    mkdirSync(join(dir, ".github"));
    writeFileSync(join(dir, ".github/labgate.yml"), config);
  }
  return dir;
}

describe("labgate validate", () => {
  it("prints a one-line summary for the example and exits 0", async () => {
    const dir = tempDir();
    cpSync(join(ROOT, "experiments/definitions.json"), join(dir, "experiments/definitions.json"), {
      recursive: true,
    });
    cpSync(join(ROOT, ".github/labgate.yml"), join(dir, ".github/labgate.yml"));
    const r = await runCli(["validate"], dir);
    expect(r.stdout).toBe(
      "experiments/definitions.json: valid — 19 experiments, 57 runs, 5.4 GPU-hours estimated, budget 12 (45%)\n",
    );
    expect(r.code).toBe(0);
  });

  it("exits 1 with file:line:col, path, message and fix — and no stack trace", async () => {
    const d = validDefinitions();
    d.experiments[1].sedes = [1];
    const r = await runCli(["validate"], repoWith(d));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^experiments\/definitions\.json:\d+:\d+: error: experiments\[1\]\.sedes: unknown key "sedes" — did you mean "seeds"\?\n {2}fix: rename it to "seeds"\.\n/,
    );
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("handles malformed JSON, an empty file and a missing file without crashing", async () => {
    for (const [text, expected] of [
      ["{ not json", /:1:3: error: \(root\): not valid JSON/],
      ["", /:1:1: error: \(root\): file is empty/],
    ] as const) {
      const r = await runCli(["validate"], repoWith(text));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(expected);
    }
    const r = await runCli(["validate", "nope.json"], tempDir());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^nope\.json:1:1: error: \(root\): file not found/);
  });

  it("reports a bad config key by name and line", async () => {
    const r = await runCli(
      ["validate"],
      repoWith(validDefinitions(), "timeout_factor: 2\nrunner_pool: []\n"),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^\.github\/labgate\.yml:2:1: error: runner_pool: unknown key "runner_pool" — did you mean "runner_pools"\?/,
    );
  });

  it("warns on a budget overrun but exits 0", async () => {
    const d = validDefinitions();
    d.budget = { gpu_hours: 1 };
    const r = await runCli(["validate"], repoWith(d));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /warning: budget\.gpu_hours: estimated 10\.0 GPU-hours exceed the budget of 1 GPU-hours/,
    );
  });

  it("refuses a run longer than dispatch.max_job_hours, as `labgate plan` would, naming the experiment, its hours and the fix", async () => {
    const d = validDefinitions();
    d.experiments[2].expected_duration_hours = 10; // full-ours
    const dir = repoWith(d, "dispatch:\n  max_job_hours: 8\n");
    const r = await runCli(["validate"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^experiments\/definitions\.json:\d+:\d+: error: experiments\[id=full-ours\]\.expected_duration_hours: one run of "full-ours" is expected to take 10 h \(declared\), over dispatch\.max_job_hours \(8 h\): a runner job cannot hold it\n {2}fix: Split the run .*raise dispatch\.max_job_hours in \.github\/labgate\.yml/,
    );
    const plan = await runCli(["plan", "--phase", "full"], dir);
    expect(plan.code).toBe(1);
    // At the limit, validate and plan both accept it.
    d.experiments[2].expected_duration_hours = 8;
    const fits = repoWith(d, "dispatch:\n  max_job_hours: 8\n");
    expect((await runCli(["validate"], fits)).code).toBe(0);
    expect((await runCli(["plan", "--phase", "full"], fits)).code).toBe(0);
  });
});

describe("labgate plan", () => {
  it("--json prints the matrix the dispatch workflow hands to strategy.matrix", async () => {
    const r = await runCli(
      ["plan", "--phase", "full", "--json"],
      repoWith(
        validDefinitions(),
        "runner_pools:\n  - { name: g, labels: [self-hosted, gpu], machines: 3 }\n",
      ),
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ runs: 9, gpu_hours: 9, budget_gpu_hours: null, shards: 3 });
    expect(out.matrix.include).toEqual([
      { shard: 0, shards: 3, pool: "g", runs_on: ["self-hosted", "gpu"], runs: 3, gpu_hours: 3 },
      { shard: 1, shards: 3, pool: "g", runs_on: ["self-hosted", "gpu"], runs: 3, gpu_hours: 3 },
      { shard: 2, shards: 3, pool: "g", runs_on: ["self-hosted", "gpu"], runs: 3, gpu_hours: 3 },
    ]);
    expect(out.dispatch[0]).toEqual({
      run_id: "full-base_s1",
      exp_id: "full-base",
      phase: "full",
      stage: null,
      shard: 0,
      vram_mb: 8000,
      expected_hours: 1,
      estimate: "declared",
    });
  });

  it("shows the waves of a campaign longer than one job per machine, in the text and in --json", async () => {
    // 9 runs of 1 h, 16,000 MB each (one at a time on a 24 GB GPU), 2 one-GPU machines, at
    // most 2 h a job: 5 shards of at most 2 runs, at most 2 shards (machines) a wave.
    const d = validDefinitions();
    d.defaults.vram_mb = 16_000;
    const repo = repoWith(
      d,
      "runner_pools:\n  - { name: g, labels: [self-hosted, gpu], machines: 2 }\ndispatch:\n  max_job_hours: 2\n",
    );
    const json = await runCli(["plan", "--phase", "full", "--json"], repo);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({ runs: 9, shards: 5, max_job_hours: 2 });
    expect(out.waves.map((w: any) => [w.wave, w.shards, w.runs, w.hours])).toEqual([
      [1, [0, 1], 4, 2],
      [2, [2, 3], 4, 2],
      [3, [4], 1, 1],
    ]);
    const text = await runCli(["plan", "--phase", "full"], repo);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^run_id +exp_id +phase\/stage +wave +shard +vram_mb +hours$/m);
    expect(text.stdout).toMatch(/^full-base_s3 +full-base +full +2 +2 +16000 +1$/m);
    expect(text.stdout).toContain(
      "3 waves: longer than one job per machine (dispatch.max_job_hours 2 h), so each wave is one workflow run",
    );
    expect(text.stdout).toContain("  wave 3: 1 runs in 1 shard(s), 1 GPU-hours, about 1 h\n");
  });

  it("prints the dispatch table and a summary", async () => {
    const r = await runCli(
      ["plan", "--phase", "pilot", "--stage", "1"],
      repoWith(validDefinitions()),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "run_id         exp_id      phase/stage  shard  vram_mb  hours",
        "-------------  ----------  -----------  -----  -------  -----",
        "pilot-ours_s1  pilot-ours  pilot/1          0     8000      1",
        "",
        "1 runs, 1 GPU-hours estimated, no budget set; 1 shard(s), max/mean shard load 1.00",
        "",
      ].join("\n"),
    );
  });

  it("rejects bad flags with usage and exit 2", async () => {
    const dir = repoWith(validDefinitions());
    expect((await runCli(["plan", "--phase", "ful"], dir)).stderr).toMatch(
      /--phase must be "pilot" or "full"/,
    );
    expect((await runCli(["plan", "--stage", "4"], dir)).code).toBe(2);
    expect((await runCli(["plan", "--bogus"], dir)).code).toBe(2);
    expect((await runCli(["frobnicate"], dir)).code).toBe(2);
  });

  it("prints help", async () => {
    const r = await runCli(["--help"], tempDir());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {2}validate +check experiments\/definitions\.json/);
    expect(r.stdout).toMatch(/\n {2}plan +expand runs/);
  });
});
