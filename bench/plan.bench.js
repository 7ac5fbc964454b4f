// Plan 100,000 runs (expansion + shard balancing): time and peak memory. Target < 1 s.
import { Config } from "../dist/core/config/config-schema.js";
import { validateDefinitions } from "../dist/core/definitions/validate-definitions.js";
import { planDispatch } from "../dist/core/plan/plan-dispatch.js";
import { peakRssMb, time } from "./lib.js";

const defs = {
  version: 1,
  project: "bench",
  title: "100k runs",
  hypotheses: [{ id: "H1", claim: "c", metric: "acc", direction: "higher" }],
  methods: [{ id: "m", label: "M", group: "ours" }],
  datasets: [{ id: "d", label: "D", metric: "acc" }],
  defaults: {
    command: "python3 t.py --seed {seed} --lr {params.lr} --result-file {result_file}",
    method: "m",
    dataset: "d",
    phase: "full",
    vram_mb: 8000,
  },
  // 10 experiments x 100 lr values x 100 seeds = 100,000 runs, durations 0.5..5 h
  experiments: Array.from({ length: 10 }, (_, i) => ({
    id: `e${i}`,
    expected_duration_hours: 0.5 + i * 0.5,
    params: { lr: Array.from({ length: 100 }, (_, j) => 10 ** (-1 - j / 25)) },
    seeds: Array.from({ length: 100 }, (_, s) => s),
  })),
};
const config = Config.parse({
  runner_pools: [
    { name: "g", labels: ["self-hosted", "gpu"], machines: 256, gpu_memory_mb: 81920 },
  ],
});
const text = JSON.stringify(defs);
const rssBefore = process.memoryUsage().rss / 1024 / 1024;
const v = time(() => validateDefinitions("bench.json", text));
const p = time(() =>
  planDispatch({ experiments: v.result.loaded.experiments, config, tmpDir: "/tmp" }),
);
const plan = p.result.plan;
const loads = plan.matrix.include.map((e) => e.gpu_hours);
const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
console.log(
  `validate ${v.ms.toFixed(0)} ms; plan ${plan.runs.length} runs into ${loads.length} shards: ${p.ms.toFixed(0)} ms (target < 1000 ms)`,
);
console.log(
  `max/mean shard load ${(Math.max(...loads) / mean).toFixed(4)}; peak RSS ${peakRssMb().toFixed(0)} MB (process baseline ${rssBefore.toFixed(0)} MB)`,
);
