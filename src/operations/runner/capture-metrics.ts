import { open } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { substituteArgv } from "../../core/definitions/command-placeholders.js";
import type { MetricsFrom } from "../../core/definitions/definitions-schema.js";
import { messageOf } from "../../core/failure/failure.js";
import type { PlannedRun } from "../../core/plan/planned-run.js";
import { parseResultFile } from "../../core/results/result-file-schema.js";
import { commandValues } from "../../core/runner/command-values.js";
import {
  type CapturedMetrics,
  type LastMatches,
  lastMatches,
  matchRequestOf,
  metricsFromDocument,
  metricsOfMatches,
  metricsOverCap,
  type NotFinite,
} from "../../core/runner/metrics-from.js";
import { containedReader, isInside, writeContained } from "../contained-files.js";

/** What one run's metrics come from, its placeholders filled (docs/definitions.md, "Existing scripts"). */
export type MetricsCapture =
  | { kind: "output"; stdout?: Record<string, string>; pattern?: string }
  | { kind: "file"; path: string; format: "json" | "csv" | "jsonl"; key?: string };

/** The run's `metrics_from` with its placeholders filled, or undefined: the script writes `{result_file}`. */
export function metricsCaptureOf(run: PlannedRun): MetricsCapture | undefined {
  const mf: MetricsFrom | undefined = run.experiment.metrics_from;
  if (!mf) return undefined;
  if (!("file" in mf)) return { kind: "output", stdout: mf.stdout, pattern: mf.pattern };
  const [path] = substituteArgv([mf.file], commandValues(run)) as [string];
  return { kind: "file", path, format: mf.format, key: mf.key };
}

export interface CaptureInput {
  cwd: string;
  capture: MetricsCapture;
  /** The run's log and where this attempt's output starts in it. */
  logFile: string;
  logOffset: number;
  /** The last bytes the attempt printed: past a log cut at its cap, the final metrics are here. */
  logTail: string;
  logTruncated: boolean;
  checkpointDir: string;
  /** `{result_file}`, repo-relative. */
  resultFile: string;
  maxBytes: number;
  /** How long the `metrics_from` regexes may take over the log; default `CAPTURE_DEADLINE_MS`. */
  deadlineMs?: number;
}

/**
 * How long the regexes of one run's `metrics_from` may take over its log. Linear regexes take
 * well under a second on the 32 MB read; one that backtracks catastrophically never ends, and
 * is stopped here so that it fails its run instead of stalling the runner.
 */
export const CAPTURE_DEADLINE_MS = 60_000;

/**
 * Captures the metrics of a run that exited 0 and writes them as its result file, `{ metrics,
 * meta: { source } }`, so the result is checked, committed, aggregated and verified like any
 * other. A result file the script wrote itself is kept; captured metrics it lacks are added.
 * Returns why nothing was captured, when nothing was (`problem`), or, when a metric's last value is
 * not a finite number (a run that blew up: `valid ppl nan`), what breaks the result contract
 * (`invalid`); the run then fails rather than keep an earlier number.
 */
export async function captureMetrics(
  input: CaptureInput,
): Promise<{ problem?: string; invalid?: string }> {
  const { capture } = input;
  let metrics: Record<string, number>;
  let source: Record<string, unknown>;
  if (capture.kind === "output") {
    let text = await readFrom(input.logFile, input.logOffset, LOG_READ_MAX);
    if (input.logTruncated) text += `\n${input.logTail}`;
    const got = await captureWithin(capture, text, input.deadlineMs ?? CAPTURE_DEADLINE_MS);
    if ("problem" in got) return got;
    const log = relative(input.cwd, input.logFile);
    if (got.overCap) return { invalid: got.overCap.message };
    if (got.notFinite) return { invalid: notFiniteMessage(got.notFinite, log) };
    metrics = got.metrics;
    source = {
      from: "stdout",
      log,
      ...(capture.stdout ? { stdout: capture.stdout } : {}),
      ...(capture.pattern ? { pattern: capture.pattern } : {}),
      lines: got.lines,
    };
    if (Object.keys(metrics).length === 0)
      return {
        problem: `the output matched no metrics_from regex (${[...Object.keys(capture.stdout ?? {}), ...(capture.pattern ? ["pattern"] : [])].join(", ")}); see ${source.log}`,
      };
  } else {
    const read = await readMetricsFile(input, capture.path);
    if ("problem" in read) return read;
    const got = metricsFromDocument(capture.format, read.text, capture.key);
    if (!got.ok) return { problem: `metrics_from file ${capture.path} ${got.message}` };
    if (got.notFinite) return { invalid: notFiniteMessage(got.notFinite, capture.path) };
    if (Object.keys(got.metrics).length === 0)
      return { problem: `metrics_from file ${capture.path} holds no numeric metric` };
    const overCap = metricsOverCap(got.metrics);
    if (overCap) return { invalid: `${overCap.message} (in ${capture.path})` };
    metrics = got.metrics;
    source = {
      from: "file",
      file: capture.path,
      format: capture.format,
      ...(capture.key ? { key: capture.key } : {}),
    };
  }
  const own = await containedReader(input.cwd, input.maxBytes)(input.resultFile);
  const written = own.ok ? parseResultFile(own.text) : undefined;
  const result =
    written?.ok === true
      ? {
          metrics: { ...metrics, ...written.value.metrics },
          meta: { ...written.value.meta, source },
        }
      : { metrics, meta: { source } };
  const w = await writeContained(
    input.cwd,
    input.resultFile,
    `${JSON.stringify(result, null, 2)}\n`,
  );
  return w.ok ? {} : { problem: w.message };
}

/**
 * The output's metrics, with the user's regexes run in a worker thread that is stopped at the
 * deadline (docs/security.md): a regex that backtracks catastrophically would otherwise hold
 * this thread, and with it every other run of the runner, forever. The deadline counts from the
 * worker's start, so a slow machine's thread start-up is not charged to the regex.
 */
async function captureWithin(
  capture: { stdout?: Record<string, string>; pattern?: string },
  text: string,
  deadlineMs: number,
): Promise<CapturedMetrics | { problem: string }> {
  const request = matchRequestOf(capture);
  const regexOf = (label: string) =>
    label === "pattern"
      ? `pattern ${JSON.stringify(capture.pattern)}`
      : `regex for ${label} ${JSON.stringify(capture.stdout?.[label])}`;
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
const lastMatches = ${lastMatches.toString()};
const found = lastMatches(workerData.request, workerData.text, (label) => parentPort.postMessage({ label }));
parentPort.postMessage({ found });`,
    { eval: true, workerData: { request, text } },
  );
  // the regex the worker said it runs (the first, until it says)
  let running = request.stdout[0]?.[0] ?? "pattern";
  let timer: NodeJS.Timeout | undefined;
  try {
    const found = await new Promise<LastMatches | { problem: string }>((resolve) => {
      worker.on("online", () => {
        timer = setTimeout(
          () =>
            resolve({
              problem: `the metrics_from ${regexOf(running)} did not finish within ${deadlineMs / 1000} s over the log: it backtracks catastrophically; stopped (make it linear: repeat only single items, not groups that repeat)`,
            }),
          deadlineMs,
        );
      });
      worker.on("message", (m: { label?: string; found?: LastMatches }) => {
        if (m.label !== undefined) running = m.label;
        if (m.found) resolve(m.found);
      });
      worker.on("error", (err) =>
        resolve({ problem: `metrics_from could not be captured: ${messageOf(err)}` }),
      );
      worker.on("exit", (code) =>
        resolve({ problem: `metrics_from could not be captured: its worker exited (${code})` }),
      );
    });
    return "problem" in found ? found : metricsOfMatches(found, text);
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

/** `valid_ppl is nan (not a finite number) at "<line>" in <log>`, for the first such metric. */
function notFiniteMessage(bad: NotFinite[], where: string): string {
  const [first] = bad as [NotFinite];
  const at =
    first.at.startsWith("key ") || first.at.startsWith("line ") ? first.at : `"${first.at}"`;
  return `${first.metric} is ${first.value} (not a finite number) at ${at} in ${where}`;
}

/** The metrics file, read only under the run's checkpoint folder or the repository. */
async function readMetricsFile(
  input: CaptureInput,
  path: string,
): Promise<{ text: string } | { problem: string }> {
  const abs = resolve(input.cwd, path);
  const root = [resolve(input.checkpointDir), resolve(input.cwd)].find((r) => isInside(r, abs));
  if (root === undefined)
    return {
      problem: `metrics_from file ${path} is outside the run's {checkpoint_dir} and the repository; not read`,
    };
  const read = await containedReader(root, input.maxBytes)(relative(root, abs));
  if (read.ok) return { text: read.text };
  if (read.code === "missing")
    return {
      problem: `metrics_from file ${path} was not written${isAbsolute(path) ? "" : ` (read relative to ${input.cwd})`}`,
    };
  return { problem: `metrics_from file ${read.message}` };
}

/** The most of a log searched for metrics: above the runner's 10 MB log cap. */
const LOG_READ_MAX = 32 * 1024 * 1024;

/** The log from `offset` on (this attempt's output), at most `maxBytes` of it: the last ones. */
async function readFrom(file: string, offset: number, maxBytes: number): Promise<string> {
  const handle = await open(file, "r").catch(() => undefined);
  if (!handle) return "";
  try {
    const { size } = await handle.stat();
    const start = Math.max(offset, size - maxBytes);
    const buf = Buffer.alloc(Math.max(0, size - start));
    await handle.read(buf, 0, buf.length, start);
    return buf.toString("utf8");
  } finally {
    await handle.close();
  }
}
