// The chart renderer's worker thread (see render-chart-svg.ts): it imports vega as soon as it
// starts and renders the specs it is sent one at a time, answering `{ svg }` or `{ error }`;
// a warm-up spec is rendered without an answer.
import { parentPort } from "node:worker_threads";
import { importChartModules, renderWith } from "./chart-render.js";

const modules = importChartModules();
modules.catch(() => undefined); // reported per request below

export interface ChartRequest {
  spec: Record<string, unknown>;
  warmUp?: boolean;
}

let queue: Promise<unknown> = Promise.resolve();

parentPort?.on("message", ({ spec, warmUp }: ChartRequest) => {
  queue = queue.then(async () => {
    try {
      const svg = await renderWith(await modules, spec);
      if (!warmUp) parentPort?.postMessage({ svg });
    } catch (err) {
      if (!warmUp) parentPort?.postMessage({ error: (err as Error).message ?? String(err) });
    }
  });
});
