import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ACTION_PLACEHOLDER,
  renderWorkflow,
  TRUSTED_ACTION_PATH,
} from "../../src/cli/commands/init-command.js";
import { parseConfig } from "../../src/core/config/parse-config.js";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHA = "1234567890abcdef1234567890abcdef12345678";
const templateWorkflows = readdirSync(join(ROOT, "templates/workflows")).filter((f) =>
  f.endsWith(".yml"),
);

describe("labgate init", () => {
  it("writes the workflows, the commented config, an example campaign and a script skeleton", async () => {
    const dir = tempDir();
    const r = await runCli(["init", "--action-ref", `lab/labgate/action@${SHA}`], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const written = [
      ...templateWorkflows.map((f) => `.github/workflows/${f}`),
      ".github/labgate.yml",
      "experiments/definitions.json",
      "experiments/scripts/train.py",
    ];
    for (const f of written) expect(r.stdout).toContain(`wrote  ${f}`);
    expect(r.stdout).toContain("Next steps:");
    expect(r.stdout).toMatch(/self-hosted runner/);
    expect(r.stdout).toMatch(/Install the labgate GitHub App.*or use Actions mode/);
    const gates = readFileSync(join(dir, ".github/workflows/labgate-gates.yml"), "utf8");
    expect(gates).toContain(`uses: lab/labgate/action@${SHA}\n`);
    expect(gates).not.toContain(ACTION_PLACEHOLDER);
  });

  it("writes a campaign that validates and plans, and a config that parses", async () => {
    const dir = tempDir();
    expect((await runCli(["init"], dir)).code).toBe(0);
    const config = parseConfig(
      ".github/labgate.yml",
      readFileSync(join(dir, ".github/labgate.yml"), "utf8"),
    );
    expect(config.ok).toBe(true);
    const defs = validateDefinitions(
      "experiments/definitions.json",
      readFileSync(join(dir, "experiments/definitions.json"), "utf8"),
    );
    expect(defs.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const validate = await runCli(["validate"], dir);
    expect(validate.code).toBe(0);
    const plan = await runCli(["plan", "--json"], dir);
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).runs).toBe(7);
  });

  it("writes a script skeleton that honours the result contract", async () => {
    const dir = tempDir();
    const init = await runCli(["init", "sub"], dir);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    const script = join(dir, "sub/experiments/scripts/train.py");
    const { execFileSync } = await import("node:child_process");
    const out = join(dir, "r.json");
    const args = [
      "--method",
      "ours",
      "--dataset",
      "toy",
      "--seed",
      "1",
      "--checkpoint-dir",
      join(dir, "ck"),
      "--result-file",
      out,
    ];
    expect(execFileSync("python3", [script, ...args, "--dry-run"], { encoding: "utf8" })).toContain(
      "arguments ok",
    );
    execFileSync("python3", [script, ...args]);
    const result = JSON.parse(readFileSync(out, "utf8"));
    expect(typeof result.metrics.accuracy).toBe("number");
    execFileSync("python3", [script, ...args, "--resume"]);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(result);
  });

  it("refuses to overwrite without --force, naming the files, and overwrites with it", async () => {
    const dir = tempDir();
    expect((await runCli(["init"], dir)).code).toBe(0);
    writeFileSync(join(dir, ".github/labgate.yml"), "# mine\n");
    const again = await runCli(["init"], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("these files exist already; nothing was written");
    expect(again.stderr).toContain("  .github/labgate.yml");
    expect(again.stderr).toContain("labgate init --force");
    expect(readFileSync(join(dir, ".github/labgate.yml"), "utf8")).toBe("# mine\n");
    const forced = await runCli(["init", "--force"], dir);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("overwrote  .github/labgate.yml");
    expect(readFileSync(join(dir, ".github/labgate.yml"), "utf8")).not.toBe("# mine\n");
  });

  it("pins the labgate action in every workflow it writes, the app-mode and nightly ones included", async () => {
    const dir = tempDir();
    const r = await runCli(["init", "--action-ref", `lab/labgate/action@${SHA}`], dir);
    expect(r.code).toBe(0);
    for (const f of templateWorkflows) {
      const text = readFileSync(join(dir, ".github/workflows", f), "utf8");
      expect(text, f).not.toContain(ACTION_PLACEHOLDER);
      expect(text, f).toContain(`uses: lab/labgate/action@${SHA}\n`);
      expect(text, f).not.toMatch(/\bnpx\b|labgate@\d/);
    }
  });

  it("takes a local action from the workflow's own commit, after every checkout of the code under test", () => {
    const dispatch = readFileSync(join(ROOT, "templates/workflows/labgate-dispatch.yml"), "utf8");
    const rendered = parse(renderWorkflow(dispatch, "./action"));
    for (const name of ["plan", "run", "aggregate"]) {
      const steps = rendered.jobs[name].steps;
      const at = steps.findIndex((s: any) => s.with?.mode);
      expect(steps[at].uses).toBe(`./${TRUSTED_ACTION_PATH}/action`);
      expect(steps[at - 1].with).toEqual({
        ref: `$${"{{"} github.sha }}`,
        path: TRUSTED_ACTION_PATH,
        "sparse-checkout": "action",
        "persist-credentials": false,
      });
      // The code under test is checked out first: a checkout into the root would delete the action.
      expect(
        steps.slice(0, at - 1).some((s: any) => s.with?.ref === `$${"{{"} inputs.sha }}`),
      ).toBe(true);
    }
  });

  it("rejects an action ref that is not pinned by SHA", async () => {
    const r = await runCli(["init", "--action-ref", "lab/labgate/action@v1"], tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--action-ref must be OWNER/REPO/action@<40-character commit SHA>");
  });
});
