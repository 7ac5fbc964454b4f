import { describe, expect, it } from "vitest";
import { progressView } from "../../src/cli/progress/progress-view.js";
import type { StateEntry } from "../../src/core/state/state-entry.js";

const entry = (id: string, o: Partial<StateEntry>) =>
  ({ id, gpu: null, reason: null, ...o }) as StateEntry;

function capture(isTTY: boolean) {
  let text = "";
  return { out: { isTTY, write: (s: string) => (text += s) }, text: () => text };
}

describe("labgate run progress", () => {
  it("prints one plain line per event when not a terminal (CI logs)", () => {
    const c = capture(false);
    const view = progressView(c.out, () => 0);
    view.onEvent({ type: "begin", total: 3, skipped: 1, mode: "cpu", slots: 2, gpus: [] });
    view.onEvent({ type: "step", label: "full", runs: 2 });
    view.onEvent({ type: "start", entry: entry("a_s1", { status: "running" }) });
    view.onEvent({
      type: "finish",
      entry: entry("a_s1", { status: "done", duration_hours: 0.5 / 3600 }),
    });
    view.onEvent({
      type: "finish",
      entry: entry("b_s1", { status: "failed", reason: "exit 1: boom" }),
    });
    view.onEvent({
      type: "gate",
      label: "pilot stage 1",
      pass: false,
      failures: [{ run_id: "b_s1", reason: "ended failed" }],
    });
    view.stop();
    expect(c.text()).toBe(
      [
        "labgate run: 3 run(s), 1 already done (skipped); 2 CPU slot(s), no GPU",
        "== full: 2 run(s) to run",
        "start     a_s1",
        "done      a_s1  0.5s  [1/2]",
        "FAILED    b_s1  (exit 1: boom)  [2/2]",
        "== pilot stage 1: did not pass; the steps after it are not run",
        "   b_s1: ended failed",
        "   fix and run `labgate run` again (done runs are kept), or `labgate run --phase full` to run the full phase anyway",
        "",
      ].join("\n"),
    );
    expect(c.text()).not.toContain("\x1b[");
  });

  it("keeps a live block of running runs, totals and ETA on a terminal", () => {
    const c = capture(true);
    let now = 0;
    const view = progressView(c.out, () => now);
    view.onEvent({ type: "begin", total: 4, skipped: 0, mode: "gpu", slots: 2, gpus: ["0:H100"] });
    view.onEvent({ type: "start", entry: entry("a_s1", { status: "running", gpu: "0:H100" }) });
    now = 2000;
    view.onEvent({ type: "start", entry: entry("a_s2", { status: "running" }) });
    view.onEvent({
      type: "finish",
      entry: entry("a_s1", { status: "done", duration_hours: 2 / 3600 }),
    });
    const text = c.text();
    view.stop();
    expect(text).toContain("  running  a_s1 [gpu 0:H100]  2.0s");
    expect(text).toContain("\x1b[2A\x1b[J"); // the block is redrawn in place
    // 3 runs left x 2 s mean over 2 slots
    expect(text).toMatch(
      /1\/4 finished: 1 done, 0 failed, 0 on hold, 0 cancelled; 1 running, 2 queued; ETA 3.0s\n$/,
    );
  });
});
