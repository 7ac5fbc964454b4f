// Review gates on a large campaign and a large script, static part (no dry-runs): time against
// baselines measured in the same run. The app answers a webhook within 10 s and reviews every
// push, so the static gates of a 1,000-experiment campaign should take well under a second.

import { validateDefinitions } from "../dist/core/definitions/validate-definitions.js";
import { checkScriptFlags } from "../dist/core/gates/code-review/check-script-flags.js";
import { findHardcodedPaths } from "../dist/core/gates/code-review/find-hardcoded-paths.js";
import { findSecrets } from "../dist/core/gates/code-review/find-secrets.js";
import { scanSource } from "../dist/core/gates/code-review/scan-source.js";
import { renderVerdictMarkdown } from "../dist/core/gates/render-verdict-markdown.js";
import { reviewGates } from "../dist/operations/review-gates.js";
import { peakRssMb, table } from "./lib.js";

const now = () => Number(process.hrtime.bigint()) / 1e6;
async function best(fn, reps = 5) {
  let min = Infinity;
  let result;
  for (let i = 0; i < reps; i++) {
    const t = now();
    result = await fn();
    min = Math.min(min, now() - t);
  }
  return { ms: min, result };
}

// 1,000 experiments: 20 methods x 10 datasets x 5 repeats, 3 seeds, 4 scripts.
const methods = Array.from({ length: 20 }, (_, i) => ({
  id: `m${i}`,
  label: `M${i}`,
  group: i < 5 ? "baseline" : i === 5 ? "ours" : "ablation",
  ...(i === 5 ? { components: ["a", "b"] } : {}),
  ...(i > 5 ? { ablates: i % 2 ? "a" : "b" } : {}),
}));
const datasets = Array.from({ length: 10 }, (_, i) => ({
  id: `d${i}`,
  label: `D${i}`,
  metric: "acc",
}));
const experiments = [];
for (let r = 0; r < 5; r++)
  for (const m of methods)
    for (const d of datasets)
      experiments.push({
        id: `e-${m.id}-${d.id}-${r}`,
        phase: "full",
        method: m.id,
        dataset: d.id,
        command: `python3 scripts/train${r % 4}.py --method {method} --dataset {dataset} --seed {seed} --checkpoint-dir {checkpoint_dir} --result-file {result_file}`,
      });
const defs = {
  version: 1,
  project: "bench",
  title: "1,000 experiments",
  hypotheses: [{ id: "H1", claim: "c", metric: "acc", direction: "higher" }],
  methods,
  datasets,
  defaults: { seeds: [1, 2, 3], expected_duration_hours: 1, vram_mb: 8000, hypotheses: ["H1"] },
  experiments,
};
// a 1 MB training script: argparse header, then 20,000 lines of code with strings and comments
const header = `import argparse\np = argparse.ArgumentParser()\n${["--seed", "--checkpoint-dir", "--resume", "--dry-run"].map((f) => `p.add_argument("${f}")`).join("\n")}\n`;
const body = Array.from(
  { length: 20_000 },
  (_, i) => `x${i} = compute("layer_${i}", scale=${i}) # step ${i}: see "docs/notes.md"`,
).join("\n");
const script = `${header}${body}\n`;
const files = {
  "experiments/definitions.json": JSON.stringify(defs, null, 2),
  "requirements.txt": "numpy==2.1\n",
};
for (let r = 0; r < 4; r++) files[`scripts/train${r}.py`] = script;
const workspace = { readFile: async (p) => files[p] };

const validate = await best(() =>
  validateDefinitions("d.json", files["experiments/definitions.json"]),
);
const gates = await best(() =>
  reviewGates({ workspace, dryRun: "skip", only: ["definitions", "code-review", "design-debate"] }),
);
const scan = await best(() => {
  const src = scanSource(script, "python");
  return [
    checkScriptFlags(src, "python", ["--seed", "--checkpoint-dir", "--resume", "--dry-run"]),
    findHardcodedPaths(src),
    findSecrets(script),
  ];
});
const scanBaseline = await best(
  () => script.split("\n").filter((l) => l.includes("--seed")).length,
);
const huge = {
  gate: "code-review",
  conclusion: "failure",
  label: "CODE_REVISE",
  summary: "many",
  reasons: Array.from({ length: 20_000 }, (_, i) => ({
    severity: "blocking",
    message: `reason ${i} ${"x".repeat(60)}`,
    file: `s${i % 9}.py`,
    line: i,
  })),
};
const render = await best(() => renderVerdictMarkdown(huge));
const stringify = await best(() => JSON.stringify(huge));

const labels = gates.result.verdicts.map((v) => `${v.gate}=${v.label}`).join(" ");
table(
  ["measure", "ms (best of 5)", "baseline", "baseline ms", "ratio"],
  [
    [
      "3 static gates, 1,000 experiments, 4 x 1 MB scripts",
      gates.ms.toFixed(1),
      "validateDefinitions alone",
      validate.ms.toFixed(1),
      (gates.ms / validate.ms).toFixed(2),
    ],
    [
      "flag check + paths + secrets, one 1 MB script",
      scan.ms.toFixed(1),
      "one regex pass over its lines",
      scanBaseline.ms.toFixed(1),
      (scan.ms / scanBaseline.ms).toFixed(2),
    ],
    [
      "render 20,000 reasons to <= 65,535 chars",
      render.ms.toFixed(1),
      "JSON.stringify of the verdict",
      stringify.ms.toFixed(1),
      (render.ms / stringify.ms).toFixed(2),
    ],
  ],
);
console.log(
  `verdicts: ${labels}; rendered length ${render.result.length}; peak RSS ${peakRssMb().toFixed(0)} MB`,
);
