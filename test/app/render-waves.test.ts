import { describe, expect, it } from "vitest";
import { renderWaves, wavesProgress } from "../../src/app/dashboard/render-waves.js";

const NOW = new Date("2026-05-01T12:00:00Z");
const planned = [
  { wave: 1, runs: 40, hours: 38 },
  { wave: 2, runs: 40, hours: 38 },
  { wave: 3, runs: 12, hours: 11.5 },
];
const run = (wave: number, status: string, conclusion: string | null) => ({
  wave,
  status,
  conclusion,
  html_url: `https://github.com/o/r/actions/runs/${wave}`,
});

describe("renderWaves", () => {
  it("the expected finish counts the running and coming waves' planned hours from now, in days past 48 h", () => {
    const md = renderWaves(wavesProgress(planned, [run(1, "in_progress", null)], NOW)).join("\n");
    expect(md).toContain("about 87.5 h (3.6 days) in all.");
    expect(md).toContain(
      "| 1 | 40 | 38 | 🔄 running ([run](https://github.com/o/r/actions/runs/1)) |",
    );
    expect(md).toContain("| 3 | 12 | 11.5 | ⏳ to come |");
    // 12:00 + 87.5 h = 3 days 15.5 h later.
    expect(md).toContain(
      "**Expected finish:** about 2026-05-05 03:30 UTC — an estimate: now plus the planned hours of the running and coming waves, 87.5 h (3.6 days).",
    );
  });

  it("a failed wave does not stop the estimate of the waves after it", () => {
    const md = renderWaves(
      wavesProgress(planned, [run(2, "queued", null), run(1, "completed", "failure")], NOW),
    ).join("\n");
    expect(md).toContain(
      "| 1 | 40 | 38 | ❌ failed ([run](https://github.com/o/r/actions/runs/1)) |",
    );
    expect(md).toContain("coming waves, 49.5 h (2.1 days).");
  });

  it("a wave still open while the next has started is done: its aggregate committed the results and started the next", () => {
    const md = renderWaves(
      wavesProgress(planned, [run(2, "queued", null), run(1, "in_progress", null)], NOW),
    ).join("\n");
    expect(md).toContain(
      "| 1 | 40 | 38 | ✅ done ([run](https://github.com/o/r/actions/runs/1)) |",
    );
    expect(md).toContain(
      "| 2 | 40 | 38 | 🔄 running ([run](https://github.com/o/r/actions/runs/2)) |",
    );
    expect(md).toContain("coming waves, 49.5 h (2.1 days).");
  });

  it("a cancelled wave: no later wave starts, so no expected finish", () => {
    const md = renderWaves(
      wavesProgress(
        planned,
        [run(2, "completed", "cancelled"), run(1, "completed", "success")],
        NOW,
      ),
    ).join("\n");
    expect(md).toContain("| 2 | 40 | 38 | 🚫 cancelled");
    expect(md).toContain("| 3 | 12 | 11.5 | ⏳ to come |");
    expect(md).toContain(
      "**Expected finish:** none — wave 2 was cancelled, so no later wave starts.",
    );
  });

  it("paused for the budget before a wave: that wave is paused and there is no expected finish", () => {
    const md = renderWaves(
      wavesProgress(
        planned,
        [run(2, "completed", "failure"), run(1, "completed", "success")],
        NOW,
        2,
      ),
    ).join("\n");
    expect(md).toContain(
      "| 2 | 40 | 38 | ⏸️ paused ([run](https://github.com/o/r/actions/runs/2)) |",
    );
    expect(md).toContain("| 3 | 12 | 11.5 | ⏳ to come |");
    expect(md).toContain(
      "**Expected finish:** none while paused — wave 2 waits for a larger GPU-hour budget.",
    );
  });

  it("a campaign planned again from what was left took a wave more than planned: it is listed after the planned ones", () => {
    const md = renderWaves(
      wavesProgress(
        planned,
        [
          run(4, "in_progress", null),
          run(3, "completed", "success"),
          run(2, "completed", "success"),
          run(1, "completed", "success"),
        ],
        NOW,
      ),
    ).join("\n");
    expect(md).toContain("The full phase is planned in 3 waves");
    expect(md).toContain(
      "| 3 | 12 | 11.5 | ✅ done ([run](https://github.com/o/r/actions/runs/3)) |\n| 4 | — (planned again) | — | 🔄 running ([run](https://github.com/o/r/actions/runs/4)) |",
    );
  });

  it("every wave done: finished", () => {
    const md = renderWaves(
      wavesProgress(
        planned,
        [
          run(3, "completed", "success"),
          run(2, "completed", "success"),
          run(1, "completed", "success"),
        ],
        NOW,
      ),
    ).join("\n");
    expect(md).toContain("**Finished:** every wave has run.");
    expect(md).not.toContain("Expected finish");
  });
});
