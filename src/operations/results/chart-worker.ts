// The chart renderer's worker thread (see render-chart-svg.ts): it imports vega as soon as it
// starts and renders the specs it is sent one at a time, answering each with `{ svg }` or
// `{ error }`. A warm-up spec is rendered without an answer, and only while no real one waits:
// when the results are few, the real chart arrives before vega has loaded and needs no warm-up.
import { parentPort } from "node:worker_threads";
import { messageOf } from "../../core/failure/failure.js";
import { importChartModules, renderWith } from "./chart-render.js";

export interface ChartRequest {
  spec: Record<string, unknown>;
  warmUp?: boolean;
}

const modules = importChartModules();
modules.catch(() => undefined); // reported per request below
const waiting: Record<string, unknown>[] = [];
let warmUp: Record<string, unknown> | undefined;
let busy = false;

async function work(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    for (;;) {
      const spec = waiting.shift();
      if (spec !== undefined) {
        warmUp = undefined;
        try {
          parentPort?.postMessage({ svg: await renderWith(await modules, spec) });
        } catch (err) {
          parentPort?.postMessage({ error: messageOf(err) });
        }
      } else if (warmUp !== undefined) {
        const loaded = await modules.catch(() => undefined);
        const spec = warmUp;
        warmUp = undefined;
        // A real spec that came while vega loaded goes first; the warm-up is then pointless.
        if (loaded && waiting.length === 0) await renderWith(loaded, spec).catch(() => undefined);
      } else return;
    }
  } finally {
    busy = false;
  }
}

parentPort?.on("message", (request: ChartRequest) => {
  if (request.warmUp) warmUp = request.spec;
  else waiting.push(request.spec);
  void work();
});
