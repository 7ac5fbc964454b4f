import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MODES } from "../../src/action/modes/index.js";
import { ACTION_PLACEHOLDER } from "../../src/cli/commands/init-command.js";
import { campaignFiles } from "../action/helpers/campaign-fixture.js";
import { repoWithBranch } from "../action/helpers/git-fixture.js";
import { runBundledAction } from "../action/helpers/run-bundled-action.js";

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

  it("runs the nightly experiments on the self-hosted GPU pool with a read-only token, from the pinned action", () => {
    const { run } = wf.jobs;
    expect(run.strategy.matrix.runs_on).toEqual([["self-hosted", "gpu"]]);
    expect(run.permissions).toEqual({ contents: "read" });
    const nightly = run.steps.find((s: any) => s.with?.mode === "nightly-run");
    expect(nightly.uses).toBe(ACTION_PLACEHOLDER);
    expect(nightly.with.token).toBe("");
    expect(Object.keys(MODES)).toContain("nightly-run");
    // Nothing is fetched from a package registry at run time (issue #11 item 8).
    const scripts = run.steps.map((s: any) => s.run ?? "").join("\n");
    expect(scripts).not.toMatch(/\bnpx\b|\bnpm\b|labgate@/);
    const upload = run.steps.find((s: any) =>
      String(s.uses).startsWith("actions/upload-artifact@"),
    );
    expect(upload.with.path).toContain("experiments/results/aggregated.json");
    // the runs' commits and machines travel with them: the report tells a new driver from new code
    for (const u of run.steps.filter((s: any) =>
      String(s.uses).startsWith("actions/upload-artifact@"),
    ))
      expect(u.with.path).toContain("experiments/results/provenance.json");
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

describe("action mode nightly-run (bundled, as the nightly's run job runs it)", () => {
  it("runs only the nightly experiments and aggregates them without a commit", async () => {
    const files = campaignFiles();
    const defs = JSON.parse(files["experiments/definitions.json"] as string);
    defs.experiments[2].nightly = true;
    files["experiments/definitions.json"] = `${JSON.stringify(defs, null, 2)}\n`;
    const repo = repoWithBranch(files);
    const run = await runBundledAction(
      { mode: "nightly-run" },
      { GITHUB_WORKSPACE: repo.work, LABGATE_GPU_POLL_MS: "50" },
    );
    expect(run.log).not.toContain("::error::");
    expect(run.code).toBe(0);
    expect(run.outputs.runs).toBe("3");
    expect(run.summary).toContain("## labgate nightly-run: 3 done, 0 failed, 0 on hold");
    const aggregated = JSON.parse(
      readFileSync(join(repo.work, "experiments/results/aggregated.json"), "utf8"),
    );
    expect(JSON.stringify(aggregated)).toContain("full-ours");
    expect(JSON.stringify(aggregated)).not.toContain("full-base");
    expect(
      execFileSync("git", ["rev-parse", "HEAD"], { cwd: repo.work, encoding: "utf8" }).trim(),
    ).toBe(repo.head);
  });
});
