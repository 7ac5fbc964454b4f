import { describe, expect, it } from "vitest";
import {
  ALL_RESULTS_COLUMNS,
  allResultsHeader,
  allResultsRows,
} from "../../src/core/results/all-results-csv.js";
import { csvLine, parseCsvLine } from "../../src/core/results/csv-field.js";
import { stateEntry } from "../helpers/state-fixture.js";

describe("all_results.csv", () => {
  it("keeps the column contract: these names, in this order (docs/results.md)", () => {
    expect(ALL_RESULTS_COLUMNS).toEqual([
      "exp_id",
      "method",
      "dataset",
      "group",
      "metric",
      "seed",
      "value",
      "host",
      "gpu",
      "finished_at",
      "git_commit",
    ]);
    expect(allResultsHeader()).toBe(
      "exp_id,method,dataset,group,metric,seed,value,host,gpu,finished_at,git_commit\n",
    );
  });

  it("writes one row per metric with exp_id = experiment id with params, without the seed", () => {
    const entry = stateEntry({
      id: "sweep__lr-0.1__bs-32_s7",
      exp_id: "sweep",
      params: { lr: 0.1, bs: 32 },
      seed: 7,
      method: "ours",
      dataset: "toy",
      host: "box",
      gpu: "2",
      finished: "2025-01-01T00:00:00Z",
      git_commit: "a".repeat(40),
    });
    const text = allResultsRows(
      {
        entry,
        result: { metrics: { accuracy: 0.91, loss: 0.25 }, meta: {} },
        sha256: "x",
        path: "p",
      },
      "ours",
    );
    expect(text.trim().split("\n")).toEqual([
      `sweep__lr-0.1__bs-32,ours,toy,ours,accuracy,7,0.91,box,2,2025-01-01T00:00:00Z,${"a".repeat(40)}`,
      `sweep__lr-0.1__bs-32,ours,toy,ours,loss,7,0.25,box,2,2025-01-01T00:00:00Z,${"a".repeat(40)}`,
    ]);
  });

  it("quotes fields per RFC 4180 and reads them back", () => {
    const fields = ["a,b", 'say "hi"', "", "plain", "1e-7"];
    const line = csvLine(fields);
    expect(line).toBe('"a,b","say ""hi""",,plain,1e-7\n');
    expect(parseCsvLine(line.trimEnd())).toEqual(fields);
  });
});
