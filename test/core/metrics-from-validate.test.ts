import { describe, expect, it } from "vitest";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";

const F = "experiments/definitions.json";
const errorsOf = (d: unknown) =>
  validateDefinitions(F, asText(d)).diagnostics.filter((x) => x.severity === "error");

/** full-ours's command has no {result_file}: its metrics come from metrics_from. */
function withMetricsFrom(mf: unknown) {
  const d = validDefinitions();
  d.experiments[2].command = "python3 train.py --lr {params.lr} --seed {seed}";
  d.experiments[2].metrics_from = mf;
  return d;
}

describe("validate: metrics_from that could never give a run its metrics", () => {
  it("refuses stdout with no regex, naming the field and the fix", () => {
    expect(errorsOf(withMetricsFrom({ stdout: {} }))).toEqual([
      expect.objectContaining({
        path: "experiments[2].metrics_from.stdout",
        message:
          'experiment "full-ours": metrics_from.stdout names no metric, so every run would finish without metrics',
        hint: 'add one entry per metric: "stdout": { "<metric>": "<regex with one group>" }, or use a "pattern".',
      }),
    ]);
    // With a pattern beside it, an empty stdout takes nothing away.
    expect(errorsOf(withMetricsFrom({ stdout: {}, pattern: "^(\\w+)=([0-9.]+)$" }))).toEqual([]);
  });

  it("refuses a metrics file that is absolute or climbs out with .., with the rule", () => {
    for (const file of [
      "/home/me/metrics.json",
      "../elsewhere/metrics.json",
      "{checkpoint_dir}/../m.json",
      "out/../../m.json",
    ]) {
      const errs = errorsOf(withMetricsFrom({ file, format: "json" }));
      expect(errs, file).toEqual([
        expect.objectContaining({
          path: "experiments[2].metrics_from.file",
          message: `experiment "full-ours": metrics_from.file ${JSON.stringify(file)} is outside the run's {checkpoint_dir} and the repository, so no run could read it`,
          hint: 'name it under the run\'s checkpoint folder ("{checkpoint_dir}/metrics.json") or by a path relative to the repository, without "..".',
        }),
      ]);
    }
  });

  it("accepts a file under {checkpoint_dir} or relative to the repository", () => {
    for (const file of [
      "{checkpoint_dir}/metrics.json",
      "runs/{exp_id}/{seed}/summary.json",
      "./wandb/latest-run/files/wandb-summary.json",
      "a..b/m.json",
    ])
      expect(errorsOf(withMetricsFrom({ file, format: "json" })), file).toEqual([]);
  });
});
