import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../scripts/pack-smoke.js", import.meta.url));

describe("labgate as a research team installs it (npm pack)", () => {
  it("the packed tarball, installed into a fresh git repository, runs --help, --version, init and every printed next step; git status is clean after the run", () => {
    // --link-deps: the tarball's own files, with this checkout's node_modules as its dependencies
    // (no registry). CI also runs the script without it: a real `npm install <tarball>`.
    const r = spawnSync(process.execPath, [SCRIPT, "--link-deps"], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain("$ npx labgate init --action-ref");
    expect(r.stdout).toMatch(/\$ npx labgate validate && npx labgate plan && npx labgate review\n/);
    expect(r.stdout).toMatch(/\$ npx labgate run\n/);
    expect(r.stdout).toMatch(
      /pack-smoke: ok \(dependencies linked; 4 next-step commands ran as printed\)/,
    );
  }, 600_000);
});
