import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MODES } from "../../src/action/modes/index.js";

const wf = parse(
  readFileSync(join(import.meta.dirname, "../../templates/workflows/labgate-nightly.yml"), "utf8"),
);

describe("templates/workflows/labgate-nightly.yml", () => {
  it("runs on a schedule (and by hand), one at a time, with no default permissions", () => {
    expect(wf.on.schedule[0].cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(wf.on).toHaveProperty("workflow_dispatch");
    expect(wf.permissions).toEqual({});
    expect(wf.concurrency).toEqual({ group: "labgate-nightly", "cancel-in-progress": false });
  });

  it("runs the nightly experiments on the self-hosted GPU pool with a read-only token", () => {
    const { run } = wf.jobs;
    expect(run.strategy.matrix.runs_on).toEqual([["self-hosted", "gpu"]]);
    expect(run.permissions).toEqual({ contents: "read" });
    const scripts = run.steps.map((s: any) => s.run ?? "").join("\n");
    expect(scripts).toContain('labgate@0.1.0 run --phase full --only "$only"');
    expect(scripts).toContain("nightly runs");
    expect(scripts).toContain("aggregate --no-commit");
    const upload = run.steps.find((s: any) =>
      String(s.uses).startsWith("actions/upload-artifact@"),
    );
    expect(upload.with.path).toContain("experiments/results/aggregated.json");
  });

  it("compares on a GitHub-hosted runner that alone may push labgate/nightly and open the PR", () => {
    const { compare } = wf.jobs;
    expect(compare.needs).toBe("run");
    expect(compare["runs-on"]).toBe("ubuntu-latest");
    expect(compare.permissions).toEqual({ contents: "write", "pull-requests": "write" });
    const step = compare.steps.find((s: any) => s.with?.mode);
    expect(step.with.mode).toBe("nightly-compare");
    expect(Object.keys(MODES)).toContain("nightly-compare");
    const report = compare.steps.at(-1);
    expect(report.uses).toMatch(/^actions\/upload-artifact@[0-9a-f]{40}$/);
    expect(report.with.path).toBe(`$${"{{"} steps.compare.outputs.night-dir }}`);
  });
});
