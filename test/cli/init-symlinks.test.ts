import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { initCommand } from "../../src/cli/commands/init-command.js";
import { tempDir } from "../helpers/temp-dir.js";

const SHA = "1234567890abcdef1234567890abcdef12345678";

/** `labgate init` in `repo`, through the command itself; what it printed. */
async function init(repo: string, force = false) {
  let out = "";
  let err = "";
  const code = await initCommand(
    {
      cwd: repo,
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env: {},
    },
    { actionRef: `lab/labgate/action@${SHA}`, force },
  );
  return { code, out, err };
}

/** A cloned repository and a folder outside it, side by side. */
function repoAndOutside() {
  const root = tempDir("labgate-init-link-");
  const repo = join(root, "repo");
  const outside = join(root, "outside");
  mkdirSync(repo);
  mkdirSync(outside);
  return { repo, outside };
}

describe("labgate init never writes through a symbolic link out of the repository (docs/security.md)", () => {
  it("a .github/workflows committed as a link to a folder outside: refused, naming the path, nothing written anywhere", async () => {
    const { repo, outside } = repoAndOutside();
    mkdirSync(join(repo, ".github"));
    symlinkSync(outside, join(repo, ".github/workflows"));
    const r = await init(repo);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^labgate init: /);
    expect(r.err).toMatch(/\.github\/workflows\/labgate-gates\.yml: .*symbolic link/);
    expect(r.err).toContain("nothing was written");
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(repo).sort()).toEqual([".github"]);
  });

  it("a .gitignore that is a link to a file outside: refused, the file untouched", async () => {
    const { repo, outside } = repoAndOutside();
    const victim = join(outside, "x");
    writeFileSync(victim, "keep\n");
    symlinkSync(victim, join(repo, ".gitignore"));
    const r = await init(repo);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\.gitignore: is a symbolic link/);
    expect(readFileSync(victim, "utf8")).toBe("keep\n");
    expect(lstatSync(join(repo, ".gitignore")).isSymbolicLink()).toBe(true);
  });

  it("a template's own path committed as a link (with --force): refused, the target untouched", async () => {
    const { repo, outside } = repoAndOutside();
    const victim = join(outside, "bashrc");
    writeFileSync(victim, "keep\n");
    mkdirSync(join(repo, "experiments/scripts"), { recursive: true });
    symlinkSync(victim, join(repo, "experiments/scripts/train.py"));
    const r = await init(repo, true);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/experiments\/scripts\/train\.py: is a symbolic link/);
    expect(readFileSync(victim, "utf8")).toBe("keep\n");
  });

  it("without links init writes as before, the script executable and .gitignore extended", async () => {
    const { repo } = repoAndOutside();
    writeFileSync(join(repo, ".gitignore"), "node_modules/\n");
    const r = await init(repo);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(statSync(join(repo, "experiments/scripts/train.py")).mode & 0o777).toBe(0o755);
    expect(statSync(join(repo, ".github/labgate.yml")).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(repo, ".gitignore"), "utf8")).toMatch(
      /^node_modules\/\n\n# labgate: .*\n\.labgate\/\n/,
    );
  });
});
