import { describe, expect, it } from "vitest";
import type { DesignDebateDetails } from "../../src/core/gates/debate/design-debate-gate.js";
import { renderVerdictMarkdown } from "../../src/core/gates/render-verdict-markdown.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";
import { memoryWorkspace, one } from "./gate-helpers.js";

const ARGPARSE = `import argparse\np = argparse.ArgumentParser()\np.add_argument("--seed")\n`;

/** A complete, feasible design: every role passes. Tests change one thing each. */
function design() {
  const d = validDefinitions();
  d.experiments[2].vram_mb = 8000;
  return d;
}

async function debate(d: Record<string, any>, extra: Record<string, string> = {}) {
  const files = {
    "experiments/definitions.json": asText(d),
    "train.py": ARGPARSE,
    "requirements.txt": "numpy==2.1.0\n",
    ...extra,
  };
  for (const [k, v] of Object.entries(extra)) if (v === "") delete files[k as keyof typeof files];
  const { verdicts } = await reviewGates({
    workspace: memoryWorkspace(files),
    only: ["design-debate"],
    dryRun: "skip",
  });
  const v = one(verdicts);
  const roles = (v.details as DesignDebateDetails).roles;
  const of = (role: string) => roles.find((r) => r.role === role);
  return { v, roles, of, text: asText(d) };
}

/** The 1-based line of the first line of `text` containing `needle`. */
const lineAfter = (text: string, anchor: string, needle: string) => {
  const lines = text.split("\n");
  const from = lines.findIndex((l) => l.includes(anchor));
  return from + lines.slice(from).findIndex((l) => l.includes(needle)) + 1;
};
const lineOf = (text: string, needle: string) =>
  text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("design debate", () => {
  it("all four reviewers pass a complete, feasible design", async () => {
    const { v, roles } = await debate(design());
    expect(roles.map((r) => r.verdict)).toEqual(["PASS", "PASS", "PASS", "PASS"]);
    expect(v).toMatchObject({ conclusion: "success", label: "PASS", reasons: [] });
    expect(v.summary).toBe("4 PASS: all four reviewers pass");
  });

  describe("Skeptic", () => {
    it("REJECTs GPU-hours over the budget, at the budget's line", async () => {
      const d = design();
      d.budget = { gpu_hours: 2 };
      const { of, text } = await debate(d);
      expect(of("skeptic")?.verdict).toBe("REJECT");
      expect(of("skeptic")?.findings).toEqual([
        expect.objectContaining({
          verdict: "REJECT",
          line: lineOf(text, '"gpu_hours": 2'),
          message: expect.stringMatching(
            /^estimated 10 GPU-hours exceed the budget of 2; the largest experiments are full-ours \(6 h\), full-base \(3 h\), pilot-ours \(1 h\)/,
          ),
        }),
      ]);
    });

    it("REJECTs a run larger than the largest runner GPU, and runs_on labels no pool has", async () => {
      const d = design();
      d.experiments[2].vram_mb = 30_000;
      d.experiments[1].runs_on = ["self-hosted", "tpu"];
      const { of, text } = await debate(d);
      const f = of("skeptic")?.findings ?? [];
      expect(f.map((x) => x.verdict)).toEqual(["REJECT", "REJECT"]);
      expect(f[0]?.message).toMatch(
        /^experiment full-base asks for runners labelled \[self-hosted, tpu\]/,
      );
      expect(f[0]?.line).toBe(lineOf(text, '"runs_on"'));
      expect(f[1]?.message).toMatch(
        /^experiment full-ours needs 30000 MB of GPU memory \(36000 MB with the 1.2 headroom\), more than the largest runner GPU \(24576 MB/,
      );
      expect(f[1]?.line).toBe(lineOf(text, '"vram_mb": 30000'));
    });

    it("REVISEs one run over max_run_hours and a timeline over max_timeline_days", async () => {
      const d = design();
      d.experiments[1].expected_duration_hours = 100;
      // A 100 h run fits a runner job only with dispatch.max_job_hours raised to 100 (the default
      // 40 would make it a REJECT: the dispatch plan could not hold it).
      const long = await debate(d, { ".github/labgate.yml": "dispatch:\n  max_job_hours: 100\n" });
      expect(long.of("skeptic")?.verdict).toBe("REVISE");
      expect(long.of("skeptic")?.findings[0]?.message).toMatch(
        /^experiment full-base expects 100 h per run, over gates.debate.max_run_hours \(72 h\)/,
      );
      const files = { ".github/labgate.yml": "gates:\n  debate:\n    max_timeline_days: 0.25\n" };
      const slow = await debate(design(), files);
      expect(slow.of("skeptic")?.findings).toEqual([
        expect.objectContaining({
          verdict: "REVISE",
          message: expect.stringMatching(/^10 GPU-hours on 1 GPU\(s\) take at least 0.4 days/),
        }),
      ]);
      const fast = await debate(design(), {
        ".github/labgate.yml": "gates:\n  debate:\n    max_timeline_days: 0.5\n",
      });
      expect(fast.of("skeptic")?.verdict).toBe("PASS");
    });
  });

  describe("Completionist", () => {
    it("REJECTs a hypothesis no full experiment tests (a pilot does not count)", async () => {
      const d = design();
      d.hypotheses.push({
        id: "H2",
        claim: "ours is fast",
        metric: "accuracy",
        direction: "higher",
      });
      d.experiments[0].hypotheses = ["H2"];
      const { of, text } = await debate(d);
      expect(of("completionist")?.findings).toEqual([
        expect.objectContaining({
          verdict: "REJECT",
          line: lineOf(text, '"id": "H2"') - 1,
          message: expect.stringMatching(
            /^hypothesis H2 \("ours is fast"\) is tested by no full experiment/,
          ),
        }),
      ]);
    });

    it("REJECTs a dataset without a baseline; REVISEs an empty design-table cell", async () => {
      const d = design();
      d.datasets.push({ id: "toy2", label: "Toy 2", metric: "accuracy" });
      d.experiments.push({ id: "full-ours-toy2", phase: "full", method: "ours", dataset: "toy2" });
      const { of } = await debate(d);
      expect(
        of("completionist")?.findings.map((f) => `${f.verdict} ${f.message.slice(0, 40)}`),
      ).toEqual([
        "REJECT dataset toy2 has no full experiment of a",
        "REVISE the design table cell (base, toy2) is em",
      ]);
      const cellOnly = design();
      cellOnly.methods.push({ id: "ours2", label: "Ours 2", group: "ours" });
      expect((await debate(cellOnly)).of("completionist")?.verdict).toBe("REVISE");
    });
  });

  describe("Reproducibility Hawk", () => {
    it("REVISEs fewer than min_seeds seeds (3 is enough, 2 is not)", async () => {
      const d = design();
      d.experiments[1].seeds = [1, 2];
      const { of, text } = await debate(d);
      expect(of("reproducibility-hawk")?.findings).toEqual([
        expect.objectContaining({
          verdict: "REVISE",
          line: lineAfter(text, '"id": "full-base"', '"seeds"'),
          message: expect.stringMatching(
            /^experiment full-base has 2 distinct seed\(s\); a full experiment needs at least 3/,
          ),
        }),
      ]);
    });

    it("REVISEs a claimed component without an ablation, and an ablation that never runs", async () => {
      const d = design();
      d.methods[1].components = ["attention"];
      expect((await debate(d)).of("reproducibility-hawk")?.findings[0]?.message).toMatch(
        /^method ours claims the component "attention" and no ablation method removes it/,
      );
      d.methods.push({
        id: "ours-no-attn",
        label: "No attention",
        group: "ablation",
        ablates: "attention",
      });
      const r = await debate(d);
      expect(r.of("reproducibility-hawk")?.findings.map((f) => f.message)).toContainEqual(
        expect.stringMatching(
          /^the ablation of "attention" \(ours-no-attn\) runs in no full experiment/,
        ),
      );
    });

    it("REVISEs a command without {seed} and a torch script without deterministic kernels", async () => {
      const d = design();
      d.experiments[2].command = "python3 train.py --lr {params.lr} --result-file {result_file}";
      const noSeed = await debate(d);
      expect(noSeed.of("reproducibility-hawk")?.findings[0]?.message).toMatch(
        /^experiment full-ours: the command never passes \{seed\}/,
      );
      const torch = await debate(design(), { "train.py": `import torch\n${ARGPARSE}` });
      expect(torch.of("reproducibility-hawk")?.findings).toEqual([
        expect.objectContaining({
          file: "train.py",
          line: 1,
          message: expect.stringMatching(
            /^train.py \(run by pilot-ours, full-base, full-ours\) imports torch but never turns on deterministic kernels/,
          ),
        }),
      ]);
      const fixed = await debate(design(), {
        "train.py": `import torch\ntorch.use_deterministic_algorithms(True)\n${ARGPARSE}`,
      });
      expect(fixed.of("reproducibility-hawk")?.verdict).toBe("PASS");
    });

    it("REVISEs a missing lock file; a lock file for another language does not count", async () => {
      const none = await debate(design(), { "requirements.txt": "", "package-lock.json": "{}" });
      expect(none.of("reproducibility-hawk")?.findings[0]?.message).toMatch(
        /^no lock file pins the python environment of pilot-ours, full-base, full-ours/,
      );
      const uv = await debate(design(), { "requirements.txt": "", "uv.lock": "version = 1\n" });
      expect(uv.of("reproducibility-hawk")?.verdict).toBe("PASS");
    });
  });

  describe("Narrative Enforcer", () => {
    it("REVISEs an experiment without a hypothesis and an orphan hypothesis", async () => {
      const d = design();
      d.experiments[0].hypotheses = [];
      d.hypotheses.push({ id: "H3", claim: "unused", metric: "accuracy", direction: "higher" });
      const { of } = await debate(d);
      expect(of("narrative-enforcer")?.findings.map((f) => f.message.slice(0, 45))).toEqual([
        "experiment pilot-ours names no hypothesis — s",
        "hypothesis H3 is named by no experiment — an ",
      ]);
      expect(of("narrative-enforcer")?.verdict).toBe("REVISE");
    });

    it("REJECTs a hypothesis metric its datasets do not report; REVISEs a criterion against its direction", async () => {
      const d = design();
      d.hypotheses[0].metric = "f1";
      expect((await debate(d)).of("narrative-enforcer")?.verdict).toBe("REJECT");
      const dir = design();
      dir.hypotheses[0].direction = "lower";
      dir.experiments[0].pass_criterion = { metric: "accuracy", min: 0.5 };
      const r = await debate(dir);
      expect(r.of("narrative-enforcer")?.findings).toEqual([
        expect.objectContaining({
          verdict: "REVISE",
          message: expect.stringMatching(
            /^experiment pilot-ours: pass_criterion min on "accuracy" contradicts hypothesis H1, where lower is better/,
          ),
        }),
      ]);
    });
  });

  describe("the threshold: all PASS, or at most one REVISE and no REJECT", () => {
    it("one REVISE passes, with its reasons as warnings", async () => {
      const d = design();
      d.experiments[1].seeds = [1, 2];
      const { v } = await debate(d);
      expect(v).toMatchObject({ conclusion: "success", label: "PASS" });
      expect(v.summary).toBe(
        "3 PASS, 1 REVISE (Reproducibility Hawk): passes with one REVISE and no REJECT",
      );
      expect(v.reasons.map((r) => r.severity)).toEqual(["warning"]);
    });

    it("two REVISEs fail", async () => {
      const d = design();
      d.experiments[1].seeds = [1, 2];
      d.experiments[0].hypotheses = [];
      const { v } = await debate(d);
      expect(v).toMatchObject({ conclusion: "failure", label: "REVISE" });
      expect(v.summary).toBe(
        "2 PASS, 2 REVISE (Reproducibility Hawk, Narrative Enforcer): more than one REVISE fails the gate",
      );
      expect(v.reasons.map((r) => r.severity)).toEqual(["blocking", "blocking"]);
      expect(renderVerdictMarkdown(v)).toMatchSnapshot();
    });

    it("one REJECT fails even with three PASS", async () => {
      const d = design();
      d.budget = { gpu_hours: 2 };
      const { v } = await debate(d);
      expect(v).toMatchObject({ conclusion: "failure", label: "REJECT" });
      expect(v.summary).toBe("3 PASS, 1 REJECT (Skeptic): a REJECT fails the gate");
    });
  });

  it("every reason names an experiment, hypothesis, method or dataset and a line in definitions.json", async () => {
    const d = design();
    d.budget = { gpu_hours: 2 };
    d.experiments[1].seeds = [1];
    d.experiments[0].hypotheses = [];
    d.hypotheses[0].metric = "f1";
    d.methods.push({ id: "ours2", label: "Ours 2", group: "ours", components: ["x"] });
    const { v } = await debate(d, { "requirements.txt": "" });
    expect(v.reasons.length).toBeGreaterThanOrEqual(8);
    for (const r of v.reasons) {
      expect(r.file).toBe("experiments/definitions.json");
      expect(r.line).toBeGreaterThan(0);
      expect(r.message).toMatch(/\b(H1|pilot-ours|full-base|full-ours|ours2|base|toy)\b/);
    }
  });

  it("passes the bundled example campaign with all four reviewers at PASS", async () => {
    const { reviewGates: run } = await import("../../src/operations/review-gates.js");
    const { diskWorkspace } = await import("../../src/operations/disk-workspace.js");
    const root = new URL("../..", import.meta.url).pathname;
    const v = one(
      (await run({ workspace: diskWorkspace(root), only: ["design-debate"], dryRun: "skip" }))
        .verdicts,
    );
    expect(v).toMatchObject({ conclusion: "success", label: "PASS" });
    // experiments/requirements.txt is its lock file (standard library only)
    expect(v.reasons.filter((r) => r.severity !== "info")).toEqual([]);
  });
});
