import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  DISPATCH_WORKFLOW,
  maxJobHoursOf,
  withRunJobTimeout,
} from "../../src/cli/commands/init-job-timeout.js";
import { DEFAULT_CONFIG } from "../../src/core/config/config-schema.js";
import { runJobTimeoutMinutes } from "../../src/core/plan/job-time-limit.js";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const template = readFileSync(join(ROOT, "templates/workflows/labgate-dispatch.yml"), "utf8");
/** `${{ body }}`, written so that no string literal holds a `${`. */
const expr = (body: string) => `$${"{{"} ${body} }}`;

describe("the dispatch workflow's waves and time limit", () => {
  it("gives the run job dispatch.max_job_hours x 1.2, within GitHub's 5 days for a self-hosted job", () => {
    expect(runJobTimeoutMinutes(40)).toBe(2880);
    expect(runJobTimeoutMinutes(10)).toBe(720);
    expect(runJobTimeoutMinutes(100)).toBe(7200);
    // The template as shipped agrees with the default limit and the config template.
    const wf = parse(template);
    expect(wf.jobs.run["timeout-minutes"]).toBe(
      runJobTimeoutMinutes(DEFAULT_CONFIG.dispatch.max_job_hours),
    );
    const configTemplate = readFileSync(join(ROOT, "templates/labgate.yml"), "utf8");
    expect(maxJobHoursOf(configTemplate)).toBe(40);
  });

  it("rewrites only the run job's timeout-minutes", () => {
    const out = parse(withRunJobTimeout(template, 10));
    const before = parse(template);
    expect(out.jobs.run["timeout-minutes"]).toBe(720);
    for (const job of ["plan", "aggregate", "autofix", "autofix-push"])
      expect(out.jobs[job]["timeout-minutes"]).toBe(before.jobs[job]["timeout-minutes"]);
    expect(maxJobHoursOf("dispatch:\n  max_job_hours: 10\n")).toBe(10);
    // An invalid config: the defaults (labgate validate names the problem).
    expect(maxJobHoursOf("dispatch:\n  max_job_hours: 500\n")).toBe(40);
  });

  it("takes input wave as a number and hands it to plan and aggregate through with:, never run:", () => {
    const wf = parse(template);
    expect(wf.on.workflow_dispatch.inputs.wave).toMatchObject({ type: "string", default: "1" });
    const action = (job: string) =>
      wf.jobs[job].steps.find((s: any) => s.with?.mode === job) as { with: Record<string, string> };
    expect(action("plan").with.wave).toBe(expr("inputs.wave"));
    expect(action("aggregate").with.wave).toBe(expr("inputs.wave"));
    expect(template).not.toMatch(/run:[^\n]*inputs\.wave/);
  });

  it("labgate init writes the run job's timeout-minutes from the config it writes", async () => {
    const dir = tempDir();
    const r = await runCli(["init"], dir);
    expect(r.code).toBe(0);
    const written = parse(readFileSync(join(dir, DISPATCH_WORKFLOW), "utf8"));
    const config = readFileSync(join(dir, ".github/labgate.yml"), "utf8");
    expect(written.jobs.run["timeout-minutes"]).toBe(runJobTimeoutMinutes(maxJobHoursOf(config)));
    expect(config).toContain("max_job_hours: 40");
  });
});
