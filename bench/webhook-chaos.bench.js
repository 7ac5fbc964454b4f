// Issue 12's figures under chaos: runs test/app/chaos.test.ts (the real server process against a
// loopback GitHub answering ~10% of requests 502 / 403 retry-after, SIGKILLed with work in flight,
// restarted on the same data dir, two deliveries missed while it was down) and prints what it
// measured: work items lost, duplicated dispatches, time from the restart to a drained inbox.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { table } from "./lib.js";

const dir = mkdtempSync(join(tmpdir(), "labgate-bench-chaos-"));
const reportPath = join(dir, "report.json");
execFileSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "test/app/chaos.test.ts", "--silent"],
  {
    cwd: new URL("../", import.meta.url),
    env: { ...process.env, LABGATE_CHAOS_REPORT: reportPath },
    stdio: ["ignore", "ignore", "inherit"],
  },
);
const r = JSON.parse(readFileSync(reportPath, "utf8"));
rmSync(dir, { recursive: true, force: true });
console.log(
  `chaos scenario: ${r.deliveries} delivery attempts (${r.redelivered} fetched back after the restart), ${r.api_requests} API requests, injected ${r.injected_failures[502]} x 502 and ${r.injected_failures[403]} x 403 retry-after`,
);
table(
  [
    "work items lost",
    "duplicated dispatches",
    "dispatches",
    "restart to drained s",
    "failures shown on PRs",
  ],
  [
    [
      r.work_items_lost,
      r.duplicated_dispatches,
      r.dispatches,
      (r.restart_to_drained_ms / 1000).toFixed(1),
      r.failed_items_shown_on_pr,
    ],
  ],
);
console.log(
  "(restart to drained is mostly Probot's write throttling: one write per second per installation)",
);
