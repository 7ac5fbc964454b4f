import type { RunnerEvent } from "../../operations/runner/runner-events.js";
import type { CliContext } from "../cli-context.js";
import { formatDuration } from "./format-duration.js";
import { ProgressTally } from "./progress-tally.js";

export interface ProgressView {
  onEvent(e: RunnerEvent): void;
  /** A line of text above the live block (log messages while runs go on). */
  print(s: string): void;
  stop(): void;
}

const ICON: Record<string, string> = {
  done: "done     ",
  failed: "FAILED   ",
  on_hold: "ON_HOLD  ",
  cancelled: "cancelled",
};

/**
 * `labgate run`'s progress: on a terminal, a live block (running runs with their elapsed time,
 * totals, ETA) redrawn under the log of finished runs; elsewhere (CI logs, pipes) plain lines,
 * one per event.
 */
export function progressView(
  out: CliContext["stdout"],
  now: () => number = Date.now,
): ProgressView {
  const tally = new ProgressTally();
  const tty = out.isTTY === true;
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const clear = () => {
    if (drawn > 0) out.write(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    if (!tty) return;
    clear();
    const lines: string[] = [];
    const running = [...tally.running.values()];
    for (const r of running.slice(0, 8))
      lines.push(
        `  running  ${r.entry.id}${r.entry.gpu ? ` [gpu ${r.entry.gpu}]` : ""}  ${formatDuration(now() - r.since)}`,
      );
    if (running.length > 8) lines.push(`  ... and ${running.length - 8} more running`);
    lines.push(summary());
    out.write(`${lines.join("\n")}\n`);
    drawn = lines.length;
  };
  const summary = () => {
    const f = tally.finished;
    const eta = tally.etaMs();
    return `  ${tally.ended}/${tally.total - tally.skipped} finished: ${f.done} done, ${f.failed} failed, ${f.on_hold} on hold, ${f.cancelled} cancelled; ${tally.running.size} running, ${tally.queued} queued; ETA ${eta === null ? "?" : formatDuration(eta)}`;
  };
  const line = (s: string) => {
    clear();
    out.write(`${s}\n`);
    draw();
  };
  return {
    onEvent(e) {
      switch (e.type) {
        case "begin":
          tally.total = e.total;
          tally.skipped = e.skipped;
          tally.slots = e.mode === "cpu" ? e.slots : Math.max(e.slots, e.gpus.length);
          line(
            `labgate run: ${e.total} run(s)${e.skipped ? `, ${e.skipped} already done (skipped)` : ""}; ${
              e.mode === "gpu" ? `GPUs ${e.gpus.join(", ")}` : `${e.slots} CPU slot(s), no GPU`
            }`,
          );
          if (tty && !timer) {
            timer = setInterval(draw, 500);
            timer.unref();
          }
          break;
        case "step":
          line(`== ${e.label}: ${e.runs} run(s) to run`);
          break;
        case "start":
          if (e.entry.status !== "running" || tally.running.has(e.entry.id)) break;
          tally.start(e.entry, now());
          if (tty) draw();
          else line(`start     ${e.entry.id}${e.entry.gpu ? ` [gpu ${e.entry.gpu}]` : ""}`);
          break;
        case "retry":
          tally.running.delete(e.entry.id);
          line(`retry     ${e.entry.id}: ${e.entry.reason ?? ""}`);
          break;
        case "finish": {
          tally.finish(e.entry);
          const took = e.entry.duration_hours
            ? `  ${formatDuration(e.entry.duration_hours * 3_600_000)}`
            : "";
          line(
            `${ICON[e.entry.status] ?? e.entry.status} ${e.entry.id}${took}${e.entry.reason ? `  (${e.entry.reason})` : ""}  [${tally.ended}/${tally.total - tally.skipped}]`,
          );
          break;
        }
        case "gate":
          line(
            e.pass
              ? `== ${e.label}: passed`
              : `== ${e.label}: did not pass; the steps after it are not run\n${e.failures.map((f) => `   ${f.run_id}: ${f.reason}`).join("\n")}\n   fix and run \`labgate run\` again (done runs are kept), or \`labgate run --phase full\` to run the full phase anyway`,
          );
          break;
        case "note":
          line(e.text);
          break;
      }
    },
    print: line,
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      clear();
    },
  };
}
