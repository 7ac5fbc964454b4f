import { describe, expect, it } from "vitest";
import { parseResultFile } from "../../src/core/results/result-file-schema.js";

describe("parseResultFile: the one parser of result files (issue #14)", () => {
  it("reads metrics and meta; an absent meta reads as {}", () => {
    expect(parseResultFile('{"metrics": {"acc": 0.5}, "meta": {"wandb_run_id": "w1"}}')).toEqual({
      ok: true,
      value: { metrics: { acc: 0.5 }, meta: { wandb_run_id: "w1" } },
    });
    expect(parseResultFile('{"metrics": {"acc": 1}}')).toEqual({
      ok: true,
      value: { metrics: { acc: 1 }, meta: {} },
    });
  });

  it("says 'not JSON' for text that is not JSON", () => {
    const r = parseResultFile("{ nope");
    expect(r).toMatchObject({ ok: false, code: "not-json" });
    if (!r.ok) expect(r.message).toMatch(/^not JSON \(/);
  });

  it.each([
    ['{"metrics": {"acc": "high"}}', "not a result file: metrics.acc: "],
    ['{"metrics": {"acc": 1}, "meta": null}', "not a result file: meta: "],
    ["[1, 2]", "not a result file: (root): "],
    ['{"meta": {}}', "not a result file: metrics: "],
  ])("names the field and what is expected for %s", (text, start) => {
    const r = parseResultFile(text);
    expect(r).toMatchObject({ ok: false, code: "not-a-result-file" });
    if (!r.ok) {
      expect(r.message.startsWith(start)).toBe(true);
      expect(r.message).toContain('expected { "metrics": { "name": number }, "meta": { ... } }');
    }
  });

  it("refuses a metric that is not finite (NaN or Infinity cannot come from JSON, but 1e999 can)", () => {
    expect(parseResultFile('{"metrics": {"acc": 1e999}}')).toMatchObject({
      ok: false,
      code: "not-a-result-file",
    });
  });
});
