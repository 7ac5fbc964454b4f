import { spawnSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/temp-dir.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

describe("npm ci on the Node the README names", () => {
  it("prints no EBADENGINE: every locked package accepts this Node (content-type is overridden for @octokit/request)", () => {
    // A copy of the manifest and the lock: `npm ci --dry-run` resolves and checks engines
    // without touching this checkout's node_modules.
    const dir = tempDir("labgate-npm-ci-");
    for (const f of ["package.json", "package-lock.json"])
      copyFileSync(join(ROOT, f), join(dir, f));
    const r = spawnSync(
      "npm",
      ["ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=warn"],
      { cwd: dir, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toContain("EBADENGINE");
  }, 180_000);
});
