/** A small valid definitions object; tests change one thing each. */
export function validDefinitions(): Record<string, any> {
  return {
    version: 1,
    project: "demo",
    title: "Demo study",
    hypotheses: [{ id: "H1", claim: "ours beats base", metric: "accuracy", direction: "higher" }],
    methods: [
      { id: "base", label: "Baseline", group: "baseline" },
      { id: "ours", label: "Ours", group: "ours" },
    ],
    datasets: [{ id: "toy", label: "Toy", metric: "accuracy" }],
    defaults: {
      command:
        "python3 train.py --seed {seed} --checkpoint-dir {checkpoint_dir} --result-file {result_file}",
      seeds: [1, 2, 3],
      expected_duration_hours: 1,
      vram_mb: 8000,
      hypotheses: ["H1"],
    },
    experiments: [
      { id: "pilot-ours", phase: "pilot", stage: 1, method: "ours", dataset: "toy", seeds: [1] },
      { id: "full-base", phase: "full", method: "base", dataset: "toy" },
      {
        id: "full-ours",
        phase: "full",
        method: "ours",
        dataset: "toy",
        params: { lr: [0.1, 0.01] },
        command: "python3 train.py --lr {params.lr} --seed {seed} --result-file {result_file}",
      },
    ],
  };
}

export const asText = (o: unknown) => `${JSON.stringify(o, null, 2)}\n`;
