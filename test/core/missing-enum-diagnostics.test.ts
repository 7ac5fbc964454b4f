import { describe, expect, it } from "vitest";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";

const F = "experiments/definitions.json";
const errorsOf = (d: unknown) =>
  validateDefinitions(F, asText(d)).diagnostics.filter((x) => x.severity === "error");

describe("a missing field that takes one of a few values", () => {
  it("names the field and its values, with the fix, instead of 'got undefined undefined'", () => {
    const d = validDefinitions();
    delete d.hypotheses[0].direction;
    expect(errorsOf(d)).toEqual([
      expect.objectContaining({
        path: "hypotheses[0].direction",
        message: 'missing required field "direction" (one of "higher", "lower")',
        hint: 'add "direction": "higher" | "lower" to hypotheses[0].',
      }),
    ]);
  });

  it("a metric declared as {} and a method without group", () => {
    const d = validDefinitions();
    d.metrics = { accuracy: {} };
    delete d.methods[1].group;
    const errs = errorsOf(d);
    expect(errs.map((e) => [e.path, e.message, e.hint])).toEqual([
      [
        "metrics.accuracy.direction",
        'missing required field "direction" (one of "higher", "lower")',
        'add "direction": "higher" | "lower" to metrics.accuracy.',
      ],
      [
        "methods[1].group",
        'missing required field "group" (one of "baseline", "ours", "ablation")',
        'add "group": "baseline" | "ours" | "ablation" to methods[1].',
      ],
    ]);
    for (const e of errs) expect(e.message).not.toMatch(/undefined/);
  });

  it("metrics_from with a file and no format", () => {
    const d = validDefinitions();
    d.experiments[2].metrics_from = { file: "{checkpoint_dir}/metrics.json" };
    const errs = errorsOf(d);
    expect(errs).toEqual([
      expect.objectContaining({
        path: "experiments[2].metrics_from.format",
        message: 'missing required field "format" (one of "json", "csv", "jsonl")',
        hint: 'add "format": "json" | "csv" | "jsonl" to experiments[2].metrics_from.',
      }),
    ]);
  });

  it("seeds written as a string get the fix: a JSON array of the same numbers", () => {
    const d = validDefinitions();
    d.defaults.seeds = "1,2,3";
    const errs = errorsOf(d);
    expect(errs[0]).toMatchObject({
      path: "defaults.seeds",
      message: 'expected array, got "1,2,3"',
      hint: 'write it as a JSON array: "seeds": [1, 2, 3].',
    });
  });
});
