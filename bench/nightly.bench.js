// Nightly comparison at a year of history: 365 nights x 2,000 (exp_id, metric) rows, with seed
// noise. Times the whole report (compare with the previous night, best so far, stagnation,
// missed nights) against reading the same history (JSON.parse + row validation), measured in the
// same run; then the trend chart (vega-lite -> vega SVG) over 90 nights, and the definitions
// normalizer on 5,000 experiments against JSON.parse + JSON.stringify of the same text.
import { normalizeDefinitions } from "../dist/core/autofix/normalize-definitions.js";
import { buildNightlyReport } from "../dist/core/nightly/build-nightly-report.js";
import { directionsFrom } from "../dist/core/nightly/metric-direction.js";
import { parseAggregated } from "../dist/core/nightly/parse-aggregated.js";
import { renderTrendSvg } from "../dist/operations/nightly-trend-svg.js";
import { lognormal, peakRssMb, rng, table, time } from "./lib.js";

const rand = rng(7);
const NIGHTS = 365;
const KEYS = 2000;
const day = (i) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
// Every 50th night is missing (a dropped schedule), so the gap detection has work to do.
const texts = [];
for (let i = 0; i < NIGHTS; i++) {
  if (i % 50 === 49) continue;
  const rows = Array.from({ length: KEYS }, (_, k) => ({
    exp_id: `exp-${Math.floor(k / 5)}`,
    method: "m",
    dataset: "d",
    metric: ["accuracy", "f1", "loss", "auc", "ece"][k % 5],
    n: 5,
    mean: 0.8 + 0.0001 * i + 0.01 * (rand() - 0.5),
    std: 0.005 * lognormal(rand, 0, 0.3),
    min: 0,
    max: 1,
  }));
  texts.push({ date: day(i), text: JSON.stringify({ rows }) });
}
const read = time(() =>
  texts.map(({ date, text }) => ({ date, rows: parseAggregated("a.json", text).rows })),
);
const nights = read.result;
const history = nights.slice(0, -1);
const tonight = nights.at(-1);
const directionOf = directionsFrom({
  hypotheses: [
    { id: "H1", claim: "c", metric: "accuracy", direction: "higher" },
    { id: "H2", claim: "c", metric: "loss", direction: "lower" },
  ],
});
const report = time(() =>
  buildNightlyReport(history, tonight, {
    threshold: 0.02,
    noiseK: 3,
    stagnationNights: 7,
    directionOf,
  }),
);
const r = report.result;

const chartNights = nights.slice(-90).map((n) => ({ date: n.date, rows: n.rows.slice(0, 10) }));
const t0 = process.hrtime.bigint();
const svg = await renderTrendSvg(chartNights, "bench");
const svgMs = Number(process.hrtime.bigint() - t0) / 1e6;

const defs = JSON.stringify({
  version: 1,
  project: "bench",
  title: "t",
  hypotheses: [{ id: "H1", claim: "c", metric: "acc", direction: "higher" }],
  methods: [{ id: "m", label: "M", group: "ours" }],
  datasets: [{ id: "d", label: "D", metric: "acc" }],
  experiments: Array.from({ length: 5000 }, (_, i) => ({
    seeds: [1, 2, 3],
    phase: "full",
    id: `e${(i * 7919) % 5000}`,
    params: { lr: [0.1, 0.01], depth: [2, 4, 8] },
    method: "m",
    dataset: "d",
  })),
});
const baseNorm = time(() => JSON.stringify(JSON.parse(defs), null, 2));
const norm = time(() => normalizeDefinitions(defs));

table(
  ["step", "ms", "ratio to baseline", "notes"],
  [
    [
      "read history (baseline)",
      read.ms.toFixed(0),
      "1.00",
      `${nights.length} nights x ${KEYS} rows`,
    ],
    [
      "nightly report",
      report.ms.toFixed(0),
      (report.ms / read.ms).toFixed(2),
      `${r.comparisons.length} compared, ${r.regressions.length} regressions, ${r.stagnation.length} stagnant, ${r.missed.length} gaps`,
    ],
    [
      "trend chart SVG",
      svgMs.toFixed(0),
      "—",
      `90 nights x 10 series, ${(svg.length / 1024).toFixed(0)} KB`,
    ],
    ["JSON parse+stringify (baseline)", baseNorm.ms.toFixed(0), "1.00", "5,000 experiments"],
    [
      "normalize definitions",
      norm.ms.toFixed(0),
      (norm.ms / baseNorm.ms).toFixed(2),
      norm.result.changed ? "reordered" : "unchanged",
    ],
  ],
);
console.log(`peak RSS ${peakRssMb().toFixed(0)} MB`);
