import { describe, expect, it } from "vitest";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { existingScriptRepo } from "../runner/existing-script-repo.js";
import { one } from "./gate-helpers.js";

async function codeReview(dir: string, dryRun: "run" | "skip" = "run") {
  const { verdicts } = await reviewGates({
    workspace: diskWorkspace(dir),
    only: ["code-review"],
    dryRun,
    cwd: dir,
  });
  return one(verdicts);
}

describe("code review of an existing script, through its script_flags (issue #16)", () => {
  it("checks the mapped flags (--save for --checkpoint-dir), says what no resume costs as a warning, and dry-runs with the script's own --dry-run", async () => {
    const dir = existingScriptRepo([{ id: "lstm", method: "LSTM" }]);
    const v = await codeReview(dir);
    expect(v.reasons.filter((r) => r.severity === "blocking")).toEqual([]);
    expect(v.label).toBe("CODE_APPROVED");
    const warnings = v.reasons.filter((r) => r.severity === "warning").map((r) => r.message);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^word_language_model\/main\.py has no --resume \(used by 1 experiment: lstm\): script_flags\.resume is null: a retry after a failure or a preemption starts over from the first step/,
      ),
    );
    const table = v.tables?.[0];
    expect(table?.rows[0]).toEqual([
      "word_language_model/main.py",
      "argparse",
      "yes",
      "yes, as --save",
      "none (script_flags)",
      "yes",
      "lstm",
    ]);
    const dry = v.tables?.[1];
    expect(dry?.rows[0]?.[1]).toMatch(/ --save \S+\/model\.pt --dry-run$/);
    expect(dry?.rows[0]?.[2]).toBe("ok");
  }, 60_000);

  it("a mapped flag the script does not declare blocks, naming the script's own flag and where it was mapped", async () => {
    const dir = existingScriptRepo([
      {
        id: "lstm",
        method: "LSTM",
        script_flags: { checkpoint_dir: "--output-dir {checkpoint_dir}", resume: null },
      },
    ]);
    const v = await codeReview(dir, "skip");
    expect(v.label).toBe("CODE_REVISE");
    const blocking = v.reasons.filter((r) => r.severity === "blocking");
    expect(blocking).toHaveLength(1);
    expect(blocking[0]?.message).toMatch(
      /^word_language_model\/main\.py does not accept --output-dir: argparse declares .*--save.* but not --output-dir \(script_flags\.checkpoint_dir\)/,
    );
  }, 60_000);

  it("without script_flags the same script is asked for the literal contract flags (--checkpoint-dir, --resume) and blocks", async () => {
    const dir = existingScriptRepo([{ id: "lstm", method: "LSTM" }], {}, { script_flags: {} });
    const v = await codeReview(dir, "skip");
    const blocking = v.reasons.filter((r) => r.severity === "blocking").map((r) => r.message);
    expect(blocking).toEqual([
      expect.stringMatching(/does not accept --checkpoint-dir/),
      expect.stringMatching(/does not accept --resume/),
    ]);
  }, 60_000);
});
