import { describe, expect, it } from "vitest";
import {
  captureFromOutput,
  compileMetricsRegex,
  metricsFromDocument,
} from "../../src/core/runner/metrics-from.js";

const WORD_LM = [
  "| epoch   1 |   200/ 2983 batches | lr 20.00 | ms/batch 12.00 | loss  6.90 | ppl   992.27",
  "-".repeat(89),
  "| end of epoch   1 | time: 40.02s | valid loss  5.57 | valid ppl   262.92",
  "-".repeat(89),
  "| end of epoch   2 | time: 40.10s | valid loss  5.33 | valid ppl   206.98",
  "=".repeat(89),
  "| End of training | test loss  5.26 | test ppl   192.97",
].join("\n");

describe("metrics_from: capture from output", () => {
  it("the last match of each regex wins", () => {
    const got = captureFromOutput(
      { stdout: { valid_ppl: "valid ppl\\s+([0-9.]+)", test_ppl: "test ppl\\s+([0-9.]+)" } },
      WORD_LM,
    );
    expect(got.metrics).toEqual({ valid_ppl: 206.98, test_ppl: 192.97 });
    expect(got.lines.valid_ppl).toMatch(/^\| end of epoch {3}2 /);
  });

  it("a last match that is not a finite number (nan, inf, -inf, garbage) is reported, never the number before it (a blown-up run is not a success)", () => {
    for (const bad of ["nan", "inf", "-inf", "NaN", "--", "1e999"]) {
      const got = captureFromOutput(
        { stdout: { valid_ppl: "valid ppl\\s+(\\S+)" } },
        `| end of epoch 3 | valid ppl 121.00\n| end of epoch 4 | valid ppl ${bad}\n`,
      );
      expect(got.metrics).toEqual({});
      expect(got.notFinite).toEqual([
        { metric: "valid_ppl", value: bad, at: `| end of epoch 4 | valid ppl ${bad}` },
      ]);
    }
    // a nan that a later epoch recovers from is not the last match
    const ok = captureFromOutput({ stdout: { acc: "acc=(\\S+)" } }, "acc=nan\nacc=0.5\n");
    expect(ok.metrics).toEqual({ acc: 0.5 });
    expect(ok.notFinite).toBeUndefined();
  });

  it("a pattern: a name whose last value is not finite is reported; a name that never had a number is no metric", () => {
    const got = captureFromOutput(
      { pattern: "^(\\w+)[=:]\\s*(\\S+)$" },
      "loss=2.5\nmodel=LSTM\nacc: 0.5\nloss=nan\nmodel=GRU\n",
    );
    expect(got.metrics).toEqual({ acc: 0.5 });
    expect(got.notFinite).toEqual([{ metric: "loss", value: "nan", at: "loss=nan" }]);
  });

  it("a pattern captures name/value pairs; Python's named groups work", () => {
    const got = captureFromOutput(
      { pattern: "^(?P<name>[a-z_]+)[=:]\\s*(?P<value>[-+0-9.eE]+)$" },
      "loss=2.5\naccuracy: 0.5\nloss=1e-3\nnote: words\n",
    );
    expect(got.metrics).toEqual({ loss: 0.001, accuracy: 0.5 });
  });

  it("a regex that does not compile says where it breaks", () => {
    const c = compileMetricsRegex("valid ppl ([0-9.]+");
    expect(c).toEqual({
      ok: false,
      message: expect.stringMatching(/at character 18 of the regex/),
    });
    const d = compileMetricsRegex("a[z-a]b");
    expect(d.ok).toBe(false);
    expect(!d.ok && d.message).toMatch(
      /^Range out of order in character class \(at character 5 of the regex\)$/,
    );
  });
});

describe("metrics_from: a file the script writes", () => {
  it("non-finite values are reported, not left out: Python's NaN/Infinity in json, a last jsonl line, a csv last row", () => {
    expect(
      metricsFromDocument("json", '{"eval": {"ppl": NaN, "loss": 1.5, "acc": "inf"}}', "eval"),
    ).toEqual({
      ok: true,
      metrics: { loss: 1.5 },
      notFinite: [
        { metric: "ppl", value: "NaN", at: 'key "eval.ppl"' },
        { metric: "acc", value: "inf", at: 'key "eval.acc"' },
      ],
    });
    expect(metricsFromDocument("json", '{"a": "x\\"NaN", "b": -Infinity}')).toEqual({
      ok: true,
      metrics: {},
      notFinite: [{ metric: "b", value: "-Infinity", at: 'key "b"' }],
    });
    expect(metricsFromDocument("jsonl", '{"loss": 2}\n{"loss": 1}\n{"loss": NaN}\n')).toEqual({
      ok: true,
      metrics: {},
      notFinite: [{ metric: "loss", value: "NaN", at: "line 3" }],
    });
    expect(metricsFromDocument("csv", "epoch,ppl,note\n1,262.9,a\n2,nan,b\n")).toEqual({
      ok: true,
      metrics: { epoch: 2 },
      notFinite: [{ metric: "ppl", value: "nan", at: "line 3" }],
    });
  });

  it("json at a key path; bookkeeping (_step) and non-numbers left out", () => {
    expect(
      metricsFromDocument(
        "json",
        JSON.stringify({ _step: 3, eval: { ppl: 99.5, name: "x", nested: { a: 1 } } }),
        "eval",
      ),
    ).toEqual({ ok: true, metrics: { ppl: 99.5 } });
    expect(metricsFromDocument("json", "{}", "eval")).toEqual({
      ok: false,
      message: expect.stringMatching(/no object at key "eval"/),
    });
    expect(metricsFromDocument("json", "{oops").ok).toBe(false);
  });

  it("jsonl: later lines win; a last line cut short by a killed writer is ignored", () => {
    const text = '{"loss": 2, "acc": 0.1}\n{"loss": 1}\n{"loss": 0.5, "ac';
    expect(metricsFromDocument("jsonl", text)).toEqual({
      ok: true,
      metrics: { loss: 1, acc: 0.1 },
    });
    expect(metricsFromDocument("jsonl", '{"a": 1}\n{bad\n{"a": 2}\n').ok).toBe(false);
  });

  it("csv: the last row, by header, quoted fields included", () => {
    const text = 'epoch,"valid ppl",note\n1,262.9,"a, b"\n2,206.98,x\n';
    expect(metricsFromDocument("csv", text)).toEqual({
      ok: true,
      metrics: { epoch: 2, "valid ppl": 206.98 },
    });
    expect(metricsFromDocument("csv", "epoch,ppl\n").ok).toBe(false);
  });
});
