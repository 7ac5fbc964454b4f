import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { campaignRepo, git, sidecars } from "./campaign-repo.js";

/** A state entry as a PR could commit it: every field its author likes. */
function plantedEntry(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    exp_id: "planted",
    phase: "full",
    method: "ours",
    dataset: "toy",
    seed: 1,
    status: "failed",
    result_file: "experiments/definitions.json",
    ...fields,
  };
}

/** A directory beside the repo, holding a file the attack aims at. */
function victim(): { dir: string; file: string; original: string } {
  const dir = tempDir("labgate-outside-");
  const file = join(dir, "package.json");
  const original = '{ "name": "not labgate\'s" }\n';
  writeFileSync(file, original);
  return { dir, file, original };
}

describe("labgate run: paths come from the plan, never from data (docs/security.md)", () => {
  it("refuses a dispatch/state.json entry whose id climbs out of the repo, and writes nothing outside", async () => {
    const outside = victim();
    const dir = campaignRepo([{ id: "a" }]);
    // experiments/results/runs/<id>.json resolves to <tmp>/<outside>/package.json
    const id = `../../../../${basename(outside.dir)}/package`;
    mkdirSync(join(dir, "dispatch"), { recursive: true });
    writeFileSync(
      join(dir, "dispatch/state.json"),
      JSON.stringify({
        project: "runner-test",
        updated: "2026-01-01T00:00:00Z",
        experiments: [plantedEntry({ id })],
      }),
    );
    git(dir, "add", "dispatch/state.json");
    git(dir, "commit", "-qm", "a PR's state");

    const r = await runCli(["run"], dir);

    expect(readFileSync(outside.file, "utf8")).toBe(outside.original);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("dispatch/state.json");
    expect(r.stderr).toContain(`experiments[0].id: ${JSON.stringify(id)} is not a run id`);
    expect(r.stderr).toContain("it was not used as a path");
    expect(sidecars(dir).size).toBe(0);
  }, 60_000);

  it("skips a sidecar whose id is not a run id, or not its own file name, naming the file and the id", async () => {
    const outside = victim();
    const dir = campaignRepo([{ id: "a" }]);
    const id = `../../../../${basename(outside.dir)}/package`;
    mkdirSync(join(dir, "dispatch"), { recursive: true });
    writeFileSync(join(dir, "dispatch/evil.status.json"), JSON.stringify(plantedEntry({ id })));
    writeFileSync(
      join(dir, "dispatch/a_s1.status.json"),
      JSON.stringify(plantedEntry({ id: "other_s1", status: "done" })),
    );

    const r = await runCli(["run"], dir);

    expect(readFileSync(outside.file, "utf8")).toBe(outside.original);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `dispatch/evil.status.json: not a labgate run sidecar: id: ${JSON.stringify(id)} is not a run id`,
    );
    expect(r.stderr).toContain(
      'dispatch/a_s1.status.json: holds run "other_s1", not "a_s1"; skipped',
    );
    const state = JSON.parse(readFileSync(join(dir, "dispatch/state.json"), "utf8"));
    expect(state.experiments.map((e: { id: string }) => e.id)).toEqual(["a_s1"]);
    expect(state.experiments[0]).toMatchObject({
      status: "done",
      result_file: "experiments/results/runs/a_s1.json",
    });
    expect(existsSync(join(dir, "experiments/results/runs/other_s1.json"))).toBe(false);
  }, 60_000);

  it("refuses a result file the script left as a symbolic link, and commits neither the link nor what it points at", async () => {
    const outside = tempDir("labgate-outside-");
    const secret = join(outside, "token.json");
    writeFileSync(
      secret,
      JSON.stringify({ metrics: { accuracy: 0.99 }, meta: { token: "ghs_SECRET" } }),
    );
    const dir = campaignRepo([
      { id: "linked", command: "python3 scripts/link.py {result_file}" },
      { id: "plain" },
    ]);
    writeFileSync(
      join(dir, "scripts/link.py"),
      `import os, sys\nos.makedirs(os.path.dirname(sys.argv[1]), exist_ok=True)\nos.symlink(${JSON.stringify(secret)}, sys.argv[1])\n`,
    );
    git(dir, "add", "scripts/link.py");
    git(dir, "commit", "-qm", "a script that links its result");

    const r = await runCli(["run"], dir);

    expect(r.code).toBe(1);
    const linked = sidecars(dir).get("linked_s1");
    expect(linked).toMatchObject({ status: "failed" });
    expect(linked?.reason).toBe(
      "invalid-result: experiments/results/runs/linked_s1.json: is a symbolic link, not a file (a link is never followed); write the result as a regular file at {result_file}",
    );
    expect(sidecars(dir).get("plain_s1")).toMatchObject({ status: "done" });
    // the results commit holds the plain run's file, and no link, and not the secret
    const tree = git(dir, "ls-tree", "-r", "HEAD", "experiments/results");
    expect(tree).toContain("experiments/results/runs/plain_s1.json");
    expect(tree).not.toContain("linked_s1");
    expect(tree).not.toMatch(/^120000/m);
    expect(git(dir, "log", "-1", "--format=%s")).toMatch(/^labgate: results of runner-test/);
    // git grep exits 1 when no committed file holds the text
    expect(spawnSync("git", ["grep", "-q", "ghs_SECRET", "HEAD"], { cwd: dir }).status).toBe(1);
    expect(existsSync(join(dir, "experiments/results/runs/linked_s1.json"))).toBe(false);
    expect(readFileSync(secret, "utf8")).toContain("ghs_SECRET");
  }, 60_000);

  it.each(["dispatch", "experiments/results"])(
    "refuses to start when %s is a committed symbolic link leading out of the repo, and writes nothing there",
    async (folder) => {
      const outside = tempDir("labgate-outside-");
      const dir = campaignRepo([{ id: "a" }]);
      mkdirSync(join(dir, folder, ".."), { recursive: true });
      symlinkSync(outside, join(dir, folder));
      git(dir, "add", folder);
      git(dir, "commit", "-qm", "a PR's link");

      const r = await runCli(["run"], dir);

      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `${folder}: resolves to ${realpathSync(outside)}, outside ${realpathSync(dir)} (a symbolic link)`,
      );
      expect(r.stderr).toContain(`fix: make \`${folder}\` a plain folder of the repository`);
      expect(readdirSync(outside)).toEqual([]);
      expect(sidecars(dir).size).toBe(0);
    },
    60_000,
  );

  it("refuses to commit a symbolic link a run left elsewhere under the results, naming it", async () => {
    const outside = tempDir("labgate-outside-");
    const secret = join(outside, "token.txt");
    writeFileSync(secret, "ghs_SECRET\n");
    const dir = campaignRepo([{ id: "a" }]);
    writeFileSync(
      join(dir, "scripts/leave_link.py"),
      `import os\nos.makedirs("experiments/results", exist_ok=True)\nos.symlink(${JSON.stringify(secret)}, "experiments/results/leak.txt")\n`,
    );
    // a second experiment whose script leaves a link beside the results (and no result)
    const defs = JSON.parse(readFileSync(join(dir, "experiments/definitions.json"), "utf8"));
    defs.experiments.push({ id: "b", command: "python3 scripts/leave_link.py {result_file}" });
    writeFileSync(join(dir, "experiments/definitions.json"), JSON.stringify(defs));
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "a script that leaves a link");
    const before = git(dir, "rev-parse", "HEAD");

    const r = await runCli(["run"], dir);

    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      "refusing to commit symbolic link(s) under the results: experiments/results/leak.txt",
    );
    expect(git(dir, "rev-parse", "HEAD")).toBe(before);
    expect(git(dir, "diff", "--cached", "--name-only")).not.toContain("leak.txt");
  }, 60_000);
});
