import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type ChartModules, importChartModules, renderWith } from "./chart-render.js";
import type { ChartRequest } from "./chart-worker.js";

/** Where the worker's module is: beside this one, in dist/ and in the action bundle alike. */
const WORKER_URL = new URL("./chart-worker.js", import.meta.url);

/** A chart worker started ahead of its spec, so vega loads on another core while runs stream. */
let warm: Worker | undefined;
let inProcess: Promise<ChartModules> | undefined;

/**
 * How charts are rendered here: in a worker thread when the worker's module exists beside this
 * one (built output and the action bundle), otherwise in this thread (the TypeScript sources
 * under test, where there is no .js to start).
 */
export const chartRenderer = (): "worker" | "in-process" =>
  WORKER_URL.protocol === "file:" && existsSync(fileURLToPath(WORKER_URL))
    ? "worker"
    : "in-process";

function startWorker(): Worker | undefined {
  if (chartRenderer() !== "worker") return undefined;
  try {
    const worker = new Worker(WORKER_URL);
    worker.unref(); // a warm worker nobody asks for must not keep the process alive
    worker.on("error", () => undefined); // reported by the render that uses it
    return worker;
  } catch {
    return undefined;
  }
}

/**
 * Starts the chart renderer ahead of time, once: a worker thread that imports vega and vega-lite
 * (~0.3 s of module loading) on the machine's other core while the caller streams the runs, and
 * renders `warmUp` (a spec of the same shape as the coming one) so the real render finds vega's
 * code compiled: at 10^5 runs the chart then added 70-140 ms after the README was made, where
 * rendering only after the last row took ~200 ms (bench/merge-export.bench.js, instrumented).
 * Without a worker it only starts the import here.
 */
export function preloadChartRenderer(warmUp?: Record<string, unknown>): void {
  if (warm !== undefined) return;
  warm = startWorker();
  if (warm === undefined) loadInProcess();
  else if (warmUp) warm.postMessage({ spec: warmUp, warmUp: true } satisfies ChartRequest);
}

function loadInProcess(): Promise<ChartModules> {
  if (inProcess === undefined) {
    inProcess = importChartModules();
    inProcess.catch(() => {
      inProcess = undefined; // retried (and reported) by the next render
    });
  }
  return inProcess;
}

/** One spec rendered by `worker`, which is then stopped; rejects if the worker fails. */
function renderInWorker(worker: Worker, spec: Record<string, unknown>): Promise<string> {
  worker.ref();
  return new Promise<string>((resolve, reject) => {
    worker.once("message", (answer: { svg?: string; error?: string }) =>
      answer.svg !== undefined ? resolve(answer.svg) : reject(new Error(answer.error)),
    );
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`chart worker exited (${code})`)));
    worker.postMessage({ spec } satisfies ChartRequest);
  }).finally(() => void worker.terminate());
}

/**
 * Renders a vega-lite spec to an SVG string (see chart-render.ts), in the preloaded worker when
 * there is one. A worker that cannot start or dies falls back to rendering here, where a bad
 * spec then throws its own error. vega is never imported by commands that draw no chart.
 */
export async function renderChartSvg(spec: Record<string, unknown>): Promise<string> {
  const worker = warm ?? startWorker();
  warm = undefined;
  if (worker) {
    try {
      return await renderInWorker(worker, spec);
    } catch {
      // fall through: the same render in this thread gives the real error, if there is one
    }
  }
  return renderWith(await loadInProcess(), spec);
}
