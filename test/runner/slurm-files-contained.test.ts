import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SlurmArray } from "../../src/core/slurm/slurm-arrays.js";
import { manifestPath } from "../../src/core/slurm/slurm-task-manifest.js";
import { prepareArray } from "../../src/operations/runner/slurm-array-files.js";
import { runSlurmTask } from "../../src/operations/runner/slurm-run-task.js";
import { tempDir } from "../helpers/temp-dir.js";

const ARRAY: SlurmArray = {
  name: "labgate-0123abcd-0123456789",
  pool: "cluster",
  run_ids: [],
  request: { cpus_per_task: 1, time_minutes: 10, extra_args: [] },
  max_concurrent: 1,
};

const prepare = (cwd: string) =>
  prepareArray(cwd, ARRAY, [], {
    dispatchDir: "dispatch",
    ctx: { timeoutFactor: 1.5, killGraceMs: 1000 },
    labgate: ["labgate", "run-task"],
    exportNames: [],
  });

/** A checkout whose PR committed `.labgate/slurm` as a symbolic link to a folder outside it. */
function checkoutWithLinkedSlurmDir(): { cwd: string; outside: string } {
  const root = tempDir("labgate-slurm-link-");
  const cwd = join(root, "repo");
  const outside = join(root, "outside");
  mkdirSync(join(cwd, ".labgate"), { recursive: true });
  mkdirSync(outside);
  symlinkSync(outside, join(cwd, ".labgate/slurm"));
  return { cwd, outside };
}

describe("SLURM array files stay in the checkout (docs/security.md)", () => {
  it("prepareArray refuses a .labgate/slurm committed as a link out of the checkout, writing nothing there", async () => {
    const { cwd, outside } = checkoutWithLinkedSlurmDir();
    const got = await prepare(cwd);
    expect(got).toMatchObject({ ok: false, code: "outside-root" });
    expect(!got.ok && got.message).toMatch(
      /^\.labgate\/slurm\/labgate-0123abcd-0123456789\.json: /,
    );
    expect(readdirSync(outside)).toEqual([]);
  });

  it("prepareArray replaces a batch script committed as a link, never writing through it", async () => {
    const cwd = join(tempDir("labgate-slurm-link-"), "repo");
    mkdirSync(join(cwd, ".labgate/slurm"), { recursive: true });
    const victim = join(cwd, "..", "victim.sh");
    writeFileSync(victim, "untouched\n");
    symlinkSync(victim, join(cwd, `.labgate/slurm/${ARRAY.name}.sh`));
    const got = await prepare(cwd);
    expect(got.ok).toBe(true);
    const script = join(cwd, `.labgate/slurm/${ARRAY.name}.sh`);
    expect(lstatSync(script).isFile()).toBe(true);
    expect(lstatSync(script).mode & 0o777).toBe(0o755);
    expect(existsSync(join(cwd, manifestPath(ARRAY.name)))).toBe(true);
    expect(got.ok && got.argv).toContain(
      `--output=${join(cwd, `.labgate/slurm/${ARRAY.name}_%a.out`)}`,
    );
    expect(readFileSync(victim, "utf8")).toBe("untouched\n");
  });

  it("run-task refuses a manifest read through a linked .labgate/slurm", async () => {
    const { cwd, outside } = checkoutWithLinkedSlurmDir();
    writeFileSync(join(outside, `${ARRAY.name}.json`), "{}");
    const got = await runSlurmTask(
      { env: {}, clock: () => new Date(), signal: new AbortController().signal },
      { cwd, manifest: manifestPath(ARRAY.name), index: 0 },
    );
    expect(got).toMatchObject({ ok: false, code: "manifest-unreadable" });
    expect(!got.ok && got.message).toMatch(/symbolic link/);
  });
});
