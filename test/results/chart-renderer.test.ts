import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { warmUpChartSpec } from "../../src/core/results/chart-spec.js";
import * as fromSource from "../../src/operations/results/render-chart-svg.js";
import { bundledAction } from "../action/helpers/run-bundled-action.js";

const spec = warmUpChartSpec({
  methods: [
    { id: "base", label: "Baseline", group: "baseline" },
    { id: "ours", label: "Ours", group: "ours" },
  ],
  datasets: [{ id: "iris", label: "Iris", metric: "accuracy" }],
} as Parameters<typeof warmUpChartSpec>[0]) as Record<string, unknown>;

describe("chart renderer", () => {
  it("renders in this thread from the TypeScript sources (no worker module to start)", async () => {
    expect(fromSource.chartRenderer()).toBe("in-process");
    const svg = await fromSource.renderChartSvg(spec);
    expect(svg).toMatch(/^<svg[\s\S]*Baseline[\s\S]*Ours[\s\S]*<\/svg>\n$/);
  });

  it("renders in a worker thread from the built output, the same SVG", async () => {
    const built: typeof fromSource = await import(
      "../../dist/operations/results/render-chart-svg.js" as string
    );
    expect(built.chartRenderer()).toBe("worker");
    built.preloadChartRenderer(spec); // warm-up render first, then the real one
    expect(await built.renderChartSvg(spec)).toBe(await fromSource.renderChartSvg(spec));
  });

  it("ships the worker in the action bundle, beside the chunk that starts it", async () => {
    const worker = new Worker(join(dirname(bundledAction()), "chunks/chart-worker.js"));
    try {
      const answer = new Promise<{ svg?: string; error?: string }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      worker.postMessage({ spec });
      expect((await answer).svg).toBe(await fromSource.renderChartSvg(spec));
    } finally {
      await worker.terminate();
    }
  });

  it("rejects a bad spec with vega's own error, as rendering in this thread does", async () => {
    const built: typeof fromSource = await import(
      "../../dist/operations/results/render-chart-svg.js" as string
    );
    const bad = { mark: "no-such-mark", data: { values: [] } };
    const own = await fromSource.renderChartSvg(bad).then(
      () => "rendered",
      (err: Error) => err.message,
    );
    expect(own).not.toBe("rendered");
    await expect(built.renderChartSvg(bad)).rejects.toThrow(own);
  });
});
