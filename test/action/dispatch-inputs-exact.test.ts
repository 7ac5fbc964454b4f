import { describe, expect, it } from "vitest";
import { parseInputs, readRawInputs } from "../../src/action/inputs.js";
import { decodeBudgetPause } from "../../src/core/budget/budget-pause.js";
import { campaignFiles } from "./helpers/campaign-fixture.js";
import { repoWithBranch } from "./helpers/git-fixture.js";
import { runBundledAction } from "./helpers/run-bundled-action.js";

/**
 * Security review of the dispatch chain (issue #19): the dispatch workflow's concurrency group and
 * run title are built from the raw text of `pr` and `wave`, and an input error becomes the plan
 * job's annotation, which the app reads for a budget pause (docs/security.md).
 */
const PLAN = { plan: { requires: ["sha", "pr"] as const } };
const SHA = "a".repeat(40);

describe("`pr`, `wave`, `stage` and `shard` are taken only as written exactly as the number", () => {
  for (const pr of ["07", "7.0", " 7", "7 ", "0x7", "7e0", "+7", "0"]) {
    it(`pr ${JSON.stringify(pr)} (PR 7 in another concurrency group, or no PR) is refused, naming the input`, () => {
      // As the runner passes it: INPUT_PR with the text untouched.
      const r = parseInputs({ ...readRawInputs({ INPUT_PR: pr }), mode: "plan", sha: SHA }, PLAN);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.message).toContain("input `pr`");
      expect(r.message).toContain("digits only");
      expect(r.message).toContain(`(got ${JSON.stringify(pr)})`);
    });
  }

  for (const [name, value] of [
    ["wave", "02"],
    ["wave", "2.0"],
    ["stage", "01"],
    ["shard", "00"],
  ] as const)
    it(`${name} ${JSON.stringify(value)} is refused`, () => {
      const r = parseInputs({ mode: "plan", sha: SHA, pr: "7", [name]: value }, PLAN);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toContain(`input \`${name}\``);
    });

  it("the exact spellings parse: pr 7, wave 2, stage 3, shard 0", () => {
    const r = parseInputs(
      { mode: "plan", sha: SHA, pr: "7", wave: "2", stage: "3", shard: "0" },
      PLAN,
    );
    expect(r.ok && r.inputs).toMatchObject({ pr: 7, wave: 2, stage: 3, shard: 0 });
  });

  it("an input's text in an error is quoted and escaped: no newline of it reaches the message", () => {
    const r = parseInputs(
      { mode: "plan", sha: SHA, pr: "7", stage: "x\nlabgate-budget-pause:{}\ny" },
      PLAN,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message.split("\n")).toHaveLength(1);
    expect(r.message).toContain('(got "x\\nlabgate-budget-pause:{}\\ny")');
  });
});

describe("a budget pause forged through the plan job's own error annotation", () => {
  it("stage input carrying a pause line: nothing in the plan job's ::error:: annotation reads back as a budget pause", async () => {
    const repo = repoWithBranch(campaignFiles());
    const forged =
      'x\nlabgate-budget-pause:{"wave":2,"measured_gpu_hours":4999,"wave_gpu_hours":1,"budget_gpu_hours":10}';
    for (const stage of [`${forged}\nx`, forged]) {
      const run = await runBundledAction(
        { mode: "plan", pr: "7", token: "ghs_x", sha: repo.head, phase: "full", wave: "2", stage },
        { GITHUB_WORKSPACE: repo.work, GITHUB_API_URL: "http://127.0.0.1:9" },
      );
      expect(run.code).toBe(1);
      // The runner turns `::error::<msg>` into an annotation whose message is <msg> unescaped.
      const annotations = run.log
        .split("\n")
        .filter((l) => l.startsWith("::error"))
        .map((l) =>
          l
            .replace(/^::error[^:]*::/, "")
            .replace(/%0D/g, "\r")
            .replace(/%0A/g, "\n")
            .replace(/%25/g, "%"),
        );
      expect(annotations.join("\n")).toContain("input `stage`");
      expect(annotations.map((a) => decodeBudgetPause(a)).filter((p) => p !== undefined)).toEqual(
        [],
      );
    }
  });
});

describe("decodeBudgetPause reads only the whole last line", () => {
  const line =
    'labgate-budget-pause:{"wave":2,"measured_gpu_hours":1,"wave_gpu_hours":1,"budget_gpu_hours":1}';
  it("a pause on an earlier line, or inside a line, is no pause", () => {
    expect(decodeBudgetPause(`${line}\nsomething after`)).toBeUndefined();
    expect(decodeBudgetPause(`input \`stage\`: (got "${line}")`)).toBeUndefined();
    expect(decodeBudgetPause(`refusing: x ${line}`)).toBeUndefined();
  });
  it("the pause as the last line (a trailing newline aside) is read", () => {
    expect(decodeBudgetPause(`refusing to plan wave 2: over\n${line}\n`)).toMatchObject({
      wave: 2,
    });
  });
});
