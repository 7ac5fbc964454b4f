import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { tempDir } from "../helpers/temp-dir.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A copy of the example campaign: definitions, scripts, data and config. */
function exampleRepo(): string {
  const dir = tempDir();
  cpSync(join(ROOT, "experiments/definitions.json"), join(dir, "experiments/definitions.json"));
  cpSync(join(ROOT, "experiments/scripts"), join(dir, "experiments/scripts"), { recursive: true });
  cpSync(join(ROOT, "experiments/data"), join(dir, "experiments/data"), { recursive: true });
  cpSync(join(ROOT, ".github/labgate.yml"), join(dir, ".github/labgate.yml"));
  return dir;
}

describe("labgate review", () => {
  it("prints every gate's verdict for the example campaign and exits 0", async () => {
    const r = await runCli(["review"], exampleRepo());
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const head of [
      "### ✅ labgate/definitions: VALID",
      "### ✅ labgate/code-review: CODE_APPROVED",
      "### ✅ labgate/design-debate: PASS",
      "### ⏸️ labgate/pilot: PENDING",
    ])
      expect(r.stdout).toContain(head);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(
      "no gate failed: definitions VALID, code-review CODE_APPROVED, design-debate PASS, pilot PENDING",
    );
  });

  it("--gate picks gates, --json prints verdicts, --no-dry-run leaves code review pending", async () => {
    const r = await runCli(
      ["review", "--gate", "code-review", "--gate", "definitions", "--json", "--no-dry-run"],
      exampleRepo(),
    );
    expect(r.code).toBe(0);
    const { verdicts } = JSON.parse(r.stdout);
    expect(verdicts.map((v: any) => [v.gate, v.label, v.conclusion])).toEqual([
      ["definitions", "VALID", "success"],
      ["code-review", "DRY_RUN_PENDING", "neutral"],
    ]);
  });

  it("exits 1 when a gate fails, with the reason's file:line", async () => {
    const dir = exampleRepo();
    writeFileSync(
      join(dir, "experiments/scripts/train.py"),
      'import argparse\np = argparse.ArgumentParser()\np.add_argument("--seed")\np.parse_args()\n',
    );
    const r = await runCli(["review", "--gate", "code-review"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("### ❌ labgate/code-review: CODE_REVISE");
    expect(r.stdout).toMatch(
      /\| ❌ blocking \| `experiments\/scripts\/train\.py:3` \| experiments\/scripts\/train\.py does not accept --checkpoint-dir/,
    );
    expect(r.stdout).toMatch(
      /dry-run of pilot-fusion-iris, .* not run: experiments\/scripts\/train\.py does not accept --dry-run/,
    );
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("1 gate(s) failed: code-review CODE_REVISE");
  });

  it("rejects an unknown gate as a usage error (exit 2)", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "experiments"));
    const r = await runCli(["review", "--gate", "debate"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^labgate review: --gate must be one of definitions, code-review, design-debate, pilot; got "debate"/,
    );
  });

  it("is byte-identical on a re-run of the same checkout, dry-runs included", async () => {
    const dir = exampleRepo();
    const a = await runCli(["review"], dir);
    const b = await runCli(["review"], dir);
    for (const r of [a, b]) expect(r.code, r.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const ja = await runCli(["review", "--json"], dir);
    const jb = await runCli(["review", "--json"], dir);
    for (const r of [ja, jb]) expect(r.code, r.stderr).toBe(0);
    // the JSON keeps raw facts: each dry-run's duration and output (the script prints timings)
    const facts = (s: string) =>
      s
        .replace(/"durationMs": \d+/g, '"durationMs": 0')
        .replace(/"logTail": ".*"/g, '"logTail": ""');
    expect(facts(ja.stdout)).toBe(facts(jb.stdout));
  });
});
