import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config/parse-config.js";

const F = ".github/labgate.yml";

describe("parseConfig", () => {
  it("defaults every key when the file is absent", () => {
    const r = parseConfig(F, undefined);
    expect(r.ok && r.config).toMatchObject({
      definitions: "experiments/definitions.json",
      results_dir: "experiments/results",
      timeout_factor: 2,
      max_shards: 256,
      approvers: { users: [], teams: [], require_other_approver: false },
      runner_pools: [{ name: "gpu", labels: ["self-hosted", "gpu"] }],
    });
  });

  it("accepts the repo's own config and fills nested defaults", () => {
    const r = parseConfig(
      F,
      readFileSync(new URL("../../.github/labgate.yml", import.meta.url), "utf8"),
    );
    expect(r.ok).toBe(true);
    expect(r.ok && r.config.runner_pools[0]).toMatchObject({ machines: 2, platform_factor: 1 });
    expect(r.ok && r.config.gates.pilot.proceed_min_pass_rate).toBe(1);
  });

  it("names a bad key with its line and a suggestion", () => {
    const r = parseConfig(F, "results_dir: out\ntimeout_factr: 3\n");
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({
      file: F,
      path: "timeout_factr",
      line: 2,
      column: 1,
      message: 'unknown key "timeout_factr" — did you mean "timeout_factor"?',
    });
  });

  it("names a wrong value nested in a list", () => {
    const r = parseConfig(
      F,
      "runner_pools:\n  - name: a\n    labels: [gpu]\n    gpu_memory_mb: lots\n",
    );
    expect(r.diagnostics[0]).toMatchObject({
      path: "runner_pools[0].gpu_memory_mb",
      line: 4,
      message: 'expected number, got "lots"',
    });
  });

  it("reports YAML syntax errors with a position", () => {
    const r = parseConfig(F, "a: [1, 2\nb: 3\n");
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.message).toMatch(/^not valid YAML/);
    expect(r.diagnostics[0]?.line).toBeGreaterThan(0);
  });
});
