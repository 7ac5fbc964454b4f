import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dryRunGate } from "../../src/operations/action/dry-run-gate.js";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

// docs/security.md, "Paths come from the plan": the review gates read a PR's files only inside the
// checkout, never through a symbolic link, never at a path `dispatch/state.json` names.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RUN = "pilot-fusion-iris_s1";
const RESULT = `experiments/results/runs/${RUN}.json`;
/** A value no example file holds: if it reaches the output, the target file was read. */
const CANARY = "0.4242424242";
const CANARY_TEXT = "LABGATE-CANARY-d41d8cd98f00b204";

/** A copy of the example campaign: definitions, scripts, data and config. */
function exampleRepo(): string {
  const dir = tempDir();
  cpSync(join(ROOT, "experiments/definitions.json"), join(dir, "experiments/definitions.json"));
  cpSync(join(ROOT, "experiments/scripts"), join(dir, "experiments/scripts"), { recursive: true });
  cpSync(join(ROOT, "experiments/data"), join(dir, "experiments/data"), { recursive: true });
  cpSync(join(ROOT, ".github/labgate.yml"), join(dir, ".github/labgate.yml"));
  return dir;
}

/** A file outside the checkout that parses as a result file with a metric no run produced. */
function outsideResult(): string {
  const file = join(tempDir("labgate-outside-"), "secret.json");
  writeFileSync(file, JSON.stringify({ metrics: { accuracy: Number(CANARY) }, meta: {} }));
  return file;
}

/** A file outside the checkout that is not JSON: a parse error would quote its first bytes. */
function outsideText(): string {
  const file = join(tempDir("labgate-outside-"), "secret.txt");
  writeFileSync(file, `${CANARY_TEXT}\nroot:x:0:0:root:/root:/bin/bash\n`);
  return file;
}

/** `dispatch/state.json` with the stage-1 pilot run done, its `result_file` as given. */
function writeState(dir: string, resultFile: string): void {
  mkdirSync(join(dir, "dispatch"), { recursive: true });
  writeFileSync(
    join(dir, "dispatch/state.json"),
    JSON.stringify({
      project: "fusion-tabular",
      updated: "2026-01-01T00:00:00Z",
      experiments: [
        {
          id: RUN,
          exp_id: "pilot-fusion-iris",
          phase: "pilot",
          stage: 1,
          method: "fusion",
          dataset: "iris",
          params: {},
          seed: 1,
          command: "x",
          status: "done",
          checkpoint_dir: "/tmp/c",
          result_file: resultFile,
          expected_duration_hours: 0.05,
          vram_mb: 1024,
        },
      ],
    }),
  );
}

function expectNothingOf(output: string): void {
  expect(output).not.toContain(CANARY);
  expect(output).not.toContain("0.424");
  expect(output).not.toContain(CANARY_TEXT);
  expect(output).not.toContain("LABGATE-CAN");
  expect(output).not.toContain("root:x:0");
}

describe("labgate review --gate pilot reads a run's result file at the plan's path only", () => {
  it("a state.json entry whose result_file climbs out of the checkout is not read", async () => {
    const dir = exampleRepo();
    const secret = outsideResult();
    writeState(dir, relative(dir, secret)); // ../labgate-outside-xxx/secret.json
    const r = await runCli(["review", "--gate", "pilot"], dir);
    expect(r.stderr).toBe("");
    expectNothingOf(r.stdout);
    // The plan's path holds no result file, so the run has no metric yet.
    expect(r.stdout).toContain(RUN);
  });

  it("result_file: ../../../etc/passwd is not read", async () => {
    const dir = exampleRepo();
    writeState(dir, "../../../../../../../etc/passwd");
    const r = await runCli(["review", "--gate", "pilot"], dir);
    expectNothingOf(r.stdout);
    expect(r.stdout).not.toContain("/bin/");
    expect(r.stdout).not.toContain("etc/passwd");
  });

  it("the plan's path is read even when result_file names another file of the checkout", async () => {
    const dir = exampleRepo();
    mkdirSync(join(dir, "experiments/results/runs"), { recursive: true });
    writeFileSync(join(dir, RESULT), JSON.stringify({ metrics: { accuracy: 0.97 }, meta: {} }));
    writeFileSync(
      join(dir, "experiments/elsewhere.json"),
      JSON.stringify({ metrics: { accuracy: Number(CANARY) }, meta: {} }),
    );
    writeState(dir, "experiments/elsewhere.json");
    const r = await runCli(["review", "--gate", "pilot", "--json"], dir);
    expect(r.stdout).not.toContain(CANARY);
    const { verdicts } = JSON.parse(r.stdout);
    const rows = verdicts[0].tables.flatMap((t: { rows: string[][] }) => t.rows);
    expect(rows.some((row: string[]) => row.includes(RUN) && row.includes("0.97"))).toBe(true);
  });

  it("a result file committed as a symbolic link out of the checkout is refused, named, and not read", async () => {
    const dir = exampleRepo();
    mkdirSync(join(dir, "experiments/results/runs"), { recursive: true });
    symlinkSync(outsideResult(), join(dir, RESULT));
    writeState(dir, RESULT);
    const r = await runCli(["review", "--gate", "pilot"], dir);
    expectNothingOf(r.stdout);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`\`${RESULT}\``);
    expect(r.stdout).toContain("is a symbolic link, not a file (a link is never followed)");
  });

  it("a dispatch/state.json committed as a link is refused, and its target's first bytes are not quoted", async () => {
    const dir = exampleRepo();
    mkdirSync(join(dir, "dispatch"), { recursive: true });
    symlinkSync(outsideText(), join(dir, "dispatch/state.json"));
    const r = await runCli(["review", "--gate", "pilot"], dir);
    expectNothingOf(r.stdout);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("`dispatch/state.json`");
    expect(r.stdout).toContain("is a symbolic link, not a file (a link is never followed)");
  });
});

describe("labgate review refuses a PR file committed as a link leading out of the checkout", () => {
  it("experiments/definitions.json -> /proc/self/environ: refused, named, no byte of the environment printed", async () => {
    const dir = exampleRepo();
    rmSync(join(dir, "experiments/definitions.json"));
    symlinkSync("/proc/self/environ", join(dir, "experiments/definitions.json"));
    const r = await runCli(["review", "--gate", "definitions"], dir, {
      LABGATE_TEST_CANARY: CANARY_TEXT,
    });
    expectNothingOf(`${r.stdout}${r.stderr}`);
    expect(`${r.stdout}${r.stderr}`).not.toContain("LABGATE_TEST_CANARY");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("### ❌ labgate/definitions: INVALID");
    expect(r.stdout).toContain("experiments/definitions.json");
    expect(r.stdout).toContain("is a symbolic link, not a file (a link is never followed)");
  });

  it("a script the command runs, linked to a file outside: code review refuses it and quotes nothing of it", async () => {
    const dir = exampleRepo();
    const target = join(tempDir("labgate-outside-"), "train.py");
    writeFileSync(
      target,
      `import argparse\n# ${CANARY_TEXT}\nDATA = "/home/${CANARY_TEXT}/data"\nAPI_KEY = "sk-${CANARY_TEXT}"\n`,
    );
    rmSync(join(dir, "experiments/scripts/train.py"));
    symlinkSync(target, join(dir, "experiments/scripts/train.py"));
    const r = await runCli(["review", "--no-dry-run"], dir);
    expectNothingOf(`${r.stdout}${r.stderr}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("### ❌ labgate/code-review: CODE_REVISE");
    expect(r.stdout).toContain("### ❌ labgate/design-debate: REVISE");
    expect(r.stdout).toContain(
      "| ❌ blocking | `experiments/scripts/train.py` | refused, not read: experiments/scripts/train.py: is a symbolic link, not a file (a link is never followed) — commit a regular file at this path",
    );
    // Only the gates that asked for the script fail for it.
    expect(r.stdout).toContain("### ✅ labgate/definitions: VALID");
    expect(r.stdout).toContain("### ⏸️ labgate/pilot: PENDING");
  });

  it("the action's dry-run mode (dryRunGate) refuses the linked script the same way", async () => {
    const dir = exampleRepo();
    const target = join(tempDir("labgate-outside-"), "train.py");
    writeFileSync(target, `import sys\n# ${CANARY_TEXT}\nDATA = "/home/${CANARY_TEXT}/data"\n`);
    rmSync(join(dir, "experiments/scripts/train.py"));
    symlinkSync(target, join(dir, "experiments/scripts/train.py"));
    const verdict = await dryRunGate({ cwd: dir });
    expectNothingOf(JSON.stringify(verdict));
    expect(verdict.conclusion).toBe("failure");
    expect(verdict.reasons[0]).toEqual({
      severity: "blocking",
      file: "experiments/scripts/train.py",
      message: expect.stringMatching(
        /^refused, not read: experiments\/scripts\/train\.py: is a symbolic link, not a file/,
      ),
    });
  });

  it(".github/labgate.yml linked out of the checkout: refused and named, never read as the config", async () => {
    const dir = exampleRepo();
    rmSync(join(dir, ".github/labgate.yml"));
    symlinkSync(outsideText(), join(dir, ".github/labgate.yml"));
    const r = await runCli(["review", "--gate", "definitions", "--no-dry-run"], dir);
    expectNothingOf(`${r.stdout}${r.stderr}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "| ❌ blocking | `.github/labgate.yml:1:1` | (root): refused, not read: .github/labgate.yml: is a symbolic link",
    );
  });

  it("labgate validate: an absolute path inside the checkout is read, one outside it is refused", async () => {
    const dir = exampleRepo();
    const inside = await runCli(["validate", join(dir, "experiments/definitions.json")], dir);
    expect(inside.code).toBe(0);
    const outside = join(tempDir("labgate-outside-"), "definitions.json");
    cpSync(join(dir, "experiments/definitions.json"), outside);
    const r = await runCli(["validate", outside], dir);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(
      `${outside}:1:1: error: (root): refused, not read: ${relative(dir, outside)}: lies outside`,
    );
  });

  it("a folder on the way that is a link out of the checkout: the script under it is refused", async () => {
    const dir = exampleRepo();
    const outside = tempDir("labgate-outside-");
    cpSync(join(dir, "experiments/scripts"), outside, { recursive: true });
    writeFileSync(join(outside, "train.py"), `# ${CANARY_TEXT}\nDATA = "/home/${CANARY_TEXT}"\n`);
    rmSync(join(dir, "experiments/scripts"), { recursive: true });
    symlinkSync(outside, join(dir, "experiments/scripts"));
    const r = await runCli(["review", "--no-dry-run", "--gate", "code-review"], dir);
    expectNothingOf(`${r.stdout}${r.stderr}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("`experiments/scripts/train.py`");
    expect(r.stdout).toMatch(/its folder is a symbolic link to .*, outside/);
  });
});
