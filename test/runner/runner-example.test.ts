import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { git, sidecars } from "./campaign-repo.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("labgate run on the bundled example campaign", () => {
  it("runs pilots then the full phase, and leaves one results commit with provenance", async () => {
    const dir = tempDir("labgate-example-");
    for (const p of ["experiments/definitions.json", "experiments/scripts", "experiments/data"])
      cpSync(join(ROOT, p), join(dir, p), { recursive: true });
    mkdirSync(join(dir, ".github"));
    cpSync(join(ROOT, ".github/labgate.yml"), join(dir, ".github/labgate.yml"));
    writeFileSync(join(dir, ".gitignore"), ".labgate/\n__pycache__/\n");
    git(dir, "init", "-q", "--initial-branch=main");
    git(dir, "config", "user.name", "Test Researcher");
    git(dir, "config", "user.email", "researcher@example.com");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "example campaign");
    const source = git(dir, "rev-parse", "HEAD");

    const r = await runCli(["run"], dir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    for (const label of ["pilot stage 1: passed", "pilot stage 2: passed", "pilot stage 3: passed"])
      expect(r.stdout).toContain(label);
    expect(r.stdout).toMatch(/57 done, 0 failed, 0 on hold, 0 cancelled/);

    const s = sidecars(dir);
    expect(s.size).toBe(57);
    for (const e of s.values()) {
      expect(e.status).toBe("done");
      expect(e.git_commit).toBe(source);
    }
    for (const f of [
      "all_results.csv",
      "aggregated.csv",
      "aggregated.json",
      "README.md",
      "provenance.json",
    ])
      expect(existsSync(join(dir, "experiments/results", f))).toBe(true);
    const state = JSON.parse(readFileSync(join(dir, "dispatch/state.json"), "utf8"));
    expect(state.experiments.filter((e: any) => e.status === "done")).toHaveLength(57);

    // one results commit on top of the source commit, naming it
    expect(git(dir, "rev-list", "--count", `${source}..HEAD`)).toBe("1");
    const message = git(dir, "log", "-1", "--format=%B");
    expect(message).toContain(`Labgate-Source-Commit: ${source}`);
    expect(message).toMatch(/Labgate-Run: local:/);

    // a second run finds everything done and runs nothing
    const again = await runCli(["run", "--phase", "full"], dir);
    expect(again.stdout).toContain("51 already done (skipped)");
    const status = await runCli(["status"], dir);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/57 runs: 57 done/);
  }, 180_000);
});
