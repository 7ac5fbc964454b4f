import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";

const F = "experiments/definitions.json";
const errorsOf = (text: string) =>
  validateDefinitions(F, text).diagnostics.filter((d) => d.severity === "error");

describe("validateDefinitions", () => {
  it("accepts the bundled example campaign", () => {
    const text = readFileSync(
      new URL("../../experiments/definitions.json", import.meta.url),
      "utf8",
    );
    const r = validateDefinitions(F, text);
    expect(r.diagnostics).toEqual([]);
    expect(r.loaded?.experiments.length).toBeGreaterThan(10);
  });

  it("applies defaults to experiments that leave fields out", () => {
    const r = validateDefinitions(F, asText(validDefinitions()));
    expect(r.diagnostics).toEqual([]);
    const full = r.loaded?.experiments.find((e) => e.id === "full-base");
    expect(full).toMatchObject({
      seeds: [1, 2, 3],
      expected_duration_hours: 1,
      vram_mb: 8000,
      retries: 0,
    });
  });

  it("reports malformed JSON with its line and column", () => {
    const [e] = errorsOf('{\n  "version": 1,\n  "project": "x",,\n}');
    expect(e).toMatchObject({ file: F, line: 3, column: 18 });
    expect(e?.message).toMatch(/not valid JSON/);
  });

  it("reports an empty file", () => {
    const [e] = errorsOf("   \n");
    expect(e?.message).toBe("file is empty");
    expect(e).toMatchObject({ line: 1, column: 1 });
  });

  it("refuses a 50 MB file before parsing it", () => {
    const big = `{"title": "${"x".repeat(50 * 1024 * 1024)}"}`;
    const [e] = errorsOf(big);
    expect(e?.message).toMatch(/file is 50\.0 MB; the limit is 5 MB/);
    expect(e?.hint).toMatch(/params/);
  });

  it("names the path, line and expected type for a wrong type", () => {
    const d = validDefinitions();
    d.defaults.expected_duration_hours = "two";
    const text = asText(d);
    const [e] = errorsOf(text);
    expect(e?.path).toBe("defaults.expected_duration_hours");
    expect(e?.message).toBe('expected number, got "two"');
    const line = text.split("\n").findIndex((l) => l.includes('"expected_duration_hours"')) + 1;
    expect(e?.line).toBe(line);
  });

  it("suggests the closest key for an unknown key", () => {
    const d = validDefinitions();
    d.experiments[1].sedes = [1, 2, 3];
    const [e] = errorsOf(asText(d));
    expect(e?.path).toBe("experiments[1].sedes");
    expect(e?.message).toBe('unknown key "sedes" — did you mean "seeds"?');
    expect(e?.hint).toBe('rename it to "seeds".');
  });

  it("suggests top-level keys too", () => {
    const d = validDefinitions();
    d.hypothesis = d.hypotheses;
    const errs = errorsOf(asText(d));
    expect(errs.map((e) => e.message)).toContain(
      'unknown key "hypothesis" — did you mean "hypotheses"?',
    );
  });

  it("reports dangling references with the known ids", () => {
    const d = validDefinitions();
    d.experiments[1].method = "bse";
    d.experiments[1].hypotheses = ["H9"];
    d.experiments[2].baseline = { method: "nope" };
    const errs = errorsOf(asText(d));
    expect(errs.map((e) => [e.path, e.message])).toEqual([
      ["experiments[1].method", 'method "bse" is not declared in methods'],
      ["experiments[1].hypotheses[0]", 'hypothesis "H9" is not declared in hypotheses'],
      ["experiments[2].baseline.method", 'baseline method "nope" is not declared in methods'],
    ]);
    expect(errs[0]?.hint).toBe("use one of: base, ours.");
  });

  it("reports duplicate ids and duplicate JSON keys", () => {
    const d = validDefinitions();
    d.experiments[2].id = "full-base";
    const errs = errorsOf(asText(d));
    expect(errs[0]).toMatchObject({
      path: "experiments[2].id",
      message: 'duplicate id "full-base" (also experiments[1])',
    });
    const dupKey = errorsOf('{"version": 1, "version": 1}');
    expect(dupKey[0]).toMatchObject({ path: "version", line: 1, column: 16 });
  });

  it("rejects unknown placeholders and params a command does not have", () => {
    const d = validDefinitions();
    d.experiments[1].command =
      "python3 train.py --out {outdir} --lr {params.lr} --result-file {result_file}";
    const errs = errorsOf(asText(d));
    expect(errs.map((e) => e.message)).toEqual([
      expect.stringMatching(/^unknown placeholder \{outdir\}; known: \{exp_id\}/),
      "{params.lr} names a param this experiment does not define (params: none)",
    ]);
    expect(errs[0]?.path).toBe("experiments[1].command");
  });

  it("rejects shell operators and unterminated quotes in a command", () => {
    const d = validDefinitions();
    d.experiments[1].command = "python3 train.py | tee log";
    d.experiments[2].command = "python3 'train.py --seed {seed}";
    const errs = errorsOf(asText(d));
    expect(errs[0]?.message).toMatch(/"\|" is a shell operator/);
    expect(errs[1]?.message).toMatch(/unterminated ' quote/);
  });

  it("rejects params that are not lists of scalars", () => {
    const d = validDefinitions();
    d.experiments[2].params = { lr: 0.1 };
    expect(errorsOf(asText(d))[0]).toMatchObject({
      path: "experiments[2].params.lr",
      message: "expected array, got number 0.1",
    });
    d.experiments[2].params = { lr: [{ a: 1 }] };
    expect(errorsOf(asText(d))[0]).toMatchObject({
      path: "experiments[2].params.lr[0]",
      message: "does not match any allowed form",
    });
    // the fix names what a param value may be, not another field's forms (found by review)
    expect(errorsOf(asText(d))[0]?.hint).toBe("use a string, a number or a boolean.");
  });

  it("rejects non-integer and duplicate seeds", () => {
    const d = validDefinitions();
    d.experiments[1].seeds = [1, 2.5];
    expect(errorsOf(asText(d))[0]).toMatchObject({
      path: "experiments[1].seeds[1]",
      hint: "use a whole number, e.g. 3.",
    });
    d.experiments[1].seeds = [1, 1];
    expect(errorsOf(asText(d))[0]).toMatchObject({
      path: "experiments[1].seeds[1]",
      message: "seed 1 is listed twice",
    });
  });

  it("requires a stage on pilots, pointing at the experiment", () => {
    const d = validDefinitions();
    delete d.experiments[0].stage;
    const text = asText(d);
    const [e] = errorsOf(text);
    expect(e?.message).toBe('pilot experiment "pilot-ours" has no stage');
    const line = text.split("\n").findIndex((l) => l.includes('"pilot-ours"'));
    expect(e?.line).toBe(line); // the experiment object opens on the line above its id
  });

  it("reports a field missing from both the experiment and defaults", () => {
    const d = validDefinitions();
    delete d.defaults.expected_duration_hours;
    const errs = errorsOf(asText(d));
    expect(errs[0]).toMatchObject({
      path: "experiments[0].expected_duration_hours",
      message: "missing required field (expected number)",
      hint: "add the field here or under `defaults`.",
    });
  });

  it("warns, not fails, when the budget is exceeded", () => {
    const d = validDefinitions();
    d.budget = { gpu_hours: 2 };
    const r = validateDefinitions(F, asText(d));
    expect(r.loaded).toBeDefined();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: "budget.gpu_hours",
        message: "estimated 10.0 GPU-hours exceed the budget of 2 GPU-hours",
      }),
    ]);
  });

  it("reports a run id produced twice", () => {
    const d = validDefinitions();
    d.experiments[2].params = { opt: ["a/b", "a-b"] };
    d.experiments[2].command = "python3 train.py --opt {params.opt} --result-file {result_file}";
    expect(errorsOf(asText(d))[0]?.message).toBe(
      'run id "full-ours__opt-a-b_s1" is produced twice (also by experiments[2])',
    );
  });

  describe("an existing script's metrics and flags (issue #16)", () => {
    it("rejects a command with neither {result_file} nor metrics_from, with the fix", () => {
      const d = validDefinitions();
      d.experiments[2].command = "python3 main.py --lr {params.lr} --seed {seed}";
      const r = validateDefinitions(F, asText(d));
      expect(r.loaded).toBeUndefined();
      const [e] = r.diagnostics.filter((x) => x.severity === "error");
      expect(e).toMatchObject({ path: "experiments[2].command", line: expect.any(Number) });
      expect(e?.message).toMatch(/has no \{result_file\} and there is no metrics_from/);
      expect(e?.hint).toMatch(/"metrics_from": \{ "stdout"/);
    });

    it("accepts a command without {result_file} when metrics_from says where the metrics are", () => {
      const d = validDefinitions();
      d.experiments[2].command =
        "python3 main.py --lr {params.lr} --seed {seed} --save {checkpoint_dir}/model.pt";
      d.experiments[2].metrics_from = { stdout: { valid_ppl: "valid ppl\\s+([0-9.]+)" } };
      d.experiments[2].script_flags = {
        checkpoint_dir: "--save {checkpoint_dir}/model.pt",
        resume: null,
        dry_run: "--dry-run",
      };
      const r = validateDefinitions(F, asText(d));
      expect(r.diagnostics).toEqual([]);
      expect(r.loaded?.experiments[2]?.script_flags?.resume).toBeNull();
    });

    it("takes metrics_from from defaults, and reports its errors there", () => {
      const d = validDefinitions();
      d.defaults.command = "python3 main.py --seed {seed}";
      d.experiments[2].command = "python3 main.py --lr {params.lr}";
      d.defaults.metrics_from = { stdout: { valid_ppl: "valid ppl (([0-9.]+)" } };
      const errs = errorsOf(asText(d));
      expect(errs[0]).toMatchObject({ path: "defaults.metrics_from.stdout.valid_ppl" });
    });

    it("a regex that does not compile is an error with its position in the file and in the regex", () => {
      const d = validDefinitions();
      d.experiments[2].metrics_from = { stdout: { valid_ppl: "valid ppl ([0-9.]+" } };
      const text = asText(d);
      const errs = errorsOf(text);
      expect(errs).toHaveLength(1);
      const line = text.split("\n").findIndex((l) => l.includes('"valid_ppl"')) + 1;
      expect(errs[0]).toMatchObject({
        path: "experiments[2].metrics_from.stdout.valid_ppl",
        line,
      });
      expect(errs[0]?.message).toMatch(
        /the regex for valid_ppl does not compile: Unterminated group \(at character 18 of the regex/,
      );
    });

    it("a stdout regex needs exactly one group; a pattern needs a name and a value", () => {
      const d = validDefinitions();
      d.experiments[2].metrics_from = { stdout: { ppl: "valid ppl [0-9.]+" } };
      expect(errorsOf(asText(d))[0]?.message).toMatch(/has 0 groups; it needs exactly one/);
      d.experiments[2].metrics_from = { pattern: "^(\\w+)=" };
      expect(errorsOf(asText(d))[0]?.message).toMatch(/the pattern has 1 groups; it needs two/);
      d.experiments[2].metrics_from = { pattern: "^(?P<name>\\w+)=(?P<value>[0-9.]+)$" };
      expect(errorsOf(asText(d))).toEqual([]);
      d.experiments[2].metrics_from = {};
      expect(errorsOf(asText(d))[0]?.message).toMatch(
        /names neither `stdout` regexes nor a `pattern`/,
      );
    });

    it("warns when script_flags names a flag for seed or checkpoint_dir that the command does not pass", () => {
      const d = validDefinitions();
      d.experiments[2].command = "python3 main.py --lr {params.lr} --seed {seed}";
      d.experiments[2].metrics_from = { stdout: { valid_ppl: "valid ppl\\s+([0-9.]+)" } };
      d.experiments[2].script_flags = { checkpoint_dir: "--save {checkpoint_dir}/model.pt" };
      const r = validateDefinitions(F, asText(d));
      expect(r.loaded).toBeDefined();
      expect(r.diagnostics).toEqual([
        expect.objectContaining({
          severity: "warning",
          path: "experiments[2].command",
          message:
            'experiment "full-ours": script_flags.checkpoint_dir is "--save {checkpoint_dir}/model.pt", but the command does not pass --save',
        }),
      ]);
    });

    it("checks the placeholders of a metrics file and of script_flags", () => {
      const d = validDefinitions();
      d.experiments[2].metrics_from = { file: "{ckpt}/metrics.json", format: "json" };
      d.experiments[2].script_flags = { checkpoint_dir: "--save {checkpoint}/model.pt" };
      const errs = errorsOf(asText(d));
      expect(errs.map((e) => e.path)).toEqual([
        "experiments[2].metrics_from.file",
        "experiments[2].script_flags.checkpoint_dir",
      ]);
      expect(errs[0]?.message).toMatch(/unknown placeholder \{ckpt\}/);
      d.experiments[2].metrics_from = { file: "{checkpoint_dir}/m.csv", format: "xml" };
      d.experiments[2].script_flags = { dry_run: "dry" };
      const shape = errorsOf(asText(d));
      expect(shape[0]?.path).toMatch(/^experiments\[2\]\.metrics_from/);
    });
  });
  describe("found by review", () => {
    it("a hypothesis about a metric that metrics does not declare and no experiment produces is an error", () => {
      const d = validDefinitions();
      d.metrics = { accuracy: { direction: "higher" }, macro_f1: { direction: "higher" } };
      d.hypotheses[0].metric = "acuracy";
      const r = validateDefinitions(F, asText(d));
      expect(r.loaded).toBeUndefined();
      const errs = r.diagnostics.filter((x) => x.severity === "error");
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatchObject({ path: "hypotheses[0].metric", line: expect.any(Number) });
      expect(errs[0]?.message).toBe(
        'hypothesis "H1" is about metric "acuracy", which metrics does not declare and no experiment produces (known metrics: accuracy, macro_f1)',
      );
      expect(errs[0]?.hint).toMatch(/^did you mean "accuracy"\?/);
    });

    it("the names an experiment's metrics_from captures are known metrics; another name is an error", () => {
      const d = validDefinitions();
      d.defaults.command = "python3 main.py --seed {seed}";
      d.experiments[2].command = "python3 main.py --lr {params.lr} --seed {seed}";
      d.defaults.metrics_from = {
        stdout: { accuracy: "acc ([0-9.]+)", loss: "loss ([0-9.]+)" },
      };
      d.hypotheses.push({
        id: "H2",
        claim: "ours has a lower loss",
        metric: "loss",
        direction: "lower",
      });
      expect(errorsOf(asText(d))).toEqual([]);
      d.hypotheses[1].metric = "los";
      const errs = errorsOf(asText(d));
      expect(errs.map((e) => e.path)).toEqual(["hypotheses[1].metric"]);
      expect(errs[0]?.message).toMatch(
        /hypothesis "H2" is about metric "los".*\(known metrics: accuracy, loss\)/,
      );
      expect(errs[0]?.hint).toMatch(/^did you mean "loss"\?/);
    });

    it("a hypothesis metric that only a run's result file could report: a near miss of a known one is a warning", () => {
      const d = validDefinitions();
      d.hypotheses[0].metric = "bleu";
      const other = validateDefinitions(F, asText(d));
      expect(other.diagnostics.filter((x) => x.path.startsWith("hypotheses"))).toEqual([]);
      d.datasets.push({ id: "toy2", label: "Toy 2", metric: "bleu" });
      d.hypotheses[0].metric = "blue";
      const r = validateDefinitions(F, asText(d));
      expect(r.loaded).toBeDefined();
      expect(r.diagnostics.filter((x) => x.path.startsWith("hypotheses"))).toEqual([
        expect.objectContaining({
          severity: "warning",
          path: "hypotheses[0].metric",
          message: expect.stringMatching(/hypothesis "H1" is about metric "blue"/),
          hint: expect.stringMatching(/^did you mean "bleu"\?/),
        }),
      ]);
    });

    it("a metrics_from file with an unknown format names the format field and the formats", () => {
      const d = validDefinitions();
      d.experiments[2].metrics_from = { file: "{checkpoint_dir}/m.xml", format: "xml" };
      const errs = errorsOf(asText(d));
      expect(errs).toHaveLength(1);
      expect(errs[0]?.path).toBe("experiments[2].metrics_from.format");
      expect(errs[0]?.message).toBe('expected one of "json", "csv", "jsonl", got "xml"');
      expect(errs[0]?.message).not.toMatch(/did you mean/);
    });

    it("an error in defaults is reported once, at the defaults, not once per experiment", () => {
      const d = validDefinitions();
      d.defaults.seeds = [1, 1];
      d.defaults.method = "nope";
      delete d.experiments[1].method;
      delete d.experiments[2].method;
      delete d.experiments[0].method;
      d.defaults.command =
        "python3 train.py --out {outdir} --seed {seed} --result-file {result_file}";
      delete d.experiments[2].command;
      delete d.experiments[2].params;
      const errs = errorsOf(asText(d));
      expect(errs.map((e) => e.path)).toEqual([
        "defaults.method",
        "defaults.command",
        "defaults.seeds[1]",
      ]);
      expect(errs[2]?.message).toMatch(/^seed 1 is listed twice/);
      expect(errs[2]?.message).toMatch(/full-base.*full-ours/);
    });

    it("a missing method label names where to add it, not defaults", () => {
      const d = validDefinitions();
      delete d.methods[0].label;
      const [e] = errorsOf(asText(d));
      expect(e?.path).toBe("methods[0].label");
      expect(e?.hint).not.toMatch(/defaults/);
      expect(e?.hint).toBe('add "label" to methods[0].');
    });
  });
});
