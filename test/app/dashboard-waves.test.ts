import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatchRunTitle } from "../../src/app/approval/dispatch-run-title.js";
import { DASHBOARD_MARKER, renderDashboard } from "../../src/app/dashboard/render-dashboard.js";
import { parseConfig } from "../../src/core/config/parse-config.js";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { planDispatch, type Wave } from "../../src/core/plan/plan-dispatch.js";
import { type ApprovalRecord, encodeApproval } from "../../src/github/check-run-protocol.js";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { serveGatesDispatch } from "./dry-run-helpers.js";
import {
  API,
  checkRun,
  checkRunsReply,
  DISPATCH_RUNS_QUERY,
  dispatchRun,
  exampleFiles,
  HEAD,
  NOW,
  nock,
  pullRequestEvent,
  R,
  serveFiles,
  serveOwnChecks,
  testApp,
  withToken,
} from "./harness.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RUNS = `${R}/actions/workflows/labgate-dispatch.yml/runs`;

async function gateCount(): Promise<number> {
  const { verdicts } = await reviewGates({ workspace: diskWorkspace(ROOT), dryRun: "skip" });
  return verdicts.filter((v) => v.gate !== "pilot").length;
}

/**
 * The example campaign with its runner jobs cut at `max_job_hours` (1 h: a few waves). Its GPUs
 * are then made 2 GB, so each holds one of its 1,024 MB runs at a time (on 24 GB, twenty share a
 * GPU and one wave holds the whole campaign).
 */
function files(maxJobHours: number | undefined): Record<string, string> {
  const f = exampleFiles();
  if (maxJobHours !== undefined)
    f[".github/labgate.yml"] =
      `${(f[".github/labgate.yml"] as string).replace("gpu_memory_mb: 24576", "gpu_memory_mb: 2048")}\ndispatch:\n  max_job_hours: ${maxJobHours}\n`;
  return f;
}

/** The waves the real planner makes of these files: what the dashboard must show. */
function plannedWaves(maxJobHours: number): Wave[] {
  const f = files(maxJobHours);
  const config = parseConfig(".github/labgate.yml", f[".github/labgate.yml"]);
  if (!config.ok) throw new Error("the test's config must parse");
  const defs = validateDefinitions(
    "experiments/definitions.json",
    f["experiments/definitions.json"] as string,
  );
  if (!defs.loaded) throw new Error("the example campaign must validate");
  const plan = planDispatch({
    experiments: defs.loaded.experiments,
    config: config.config,
    filter: { phase: "full" },
    tmpDir: "/tmp",
  });
  if (!plan.ok) throw new Error("the example campaign must plan");
  return plan.plan.waves;
}

const tenths = (h: number) => String(Math.round(h * 10) / 10);
/** NOW plus `hours`, to the minute, as the dashboard writes it. */
const nowPlus = (hours: number) =>
  `${new Date(NOW.getTime() + hours * 3_600_000).toISOString().slice(0, 16).replace("T", " ")} UTC`;

const approvedOnHead = (extra: Partial<ApprovalRecord> = {}) =>
  checkRun(500, "labgate/phase8", {
    status: "in_progress",
    conclusion: null,
    external_id: encodeApproval({
      v: 1,
      pr: 2,
      sha: HEAD,
      phase: "full",
      by: "octocat",
      at: "2026-05-01T10:00:00.000Z",
      state: "approved",
      ...extra,
    }),
  });

const waveRun = (id: number, wave: number, status: string, conclusion: string | null) =>
  dispatchRun(id, {
    status,
    conclusion,
    title: dispatchRunTitle({ pr: 2, sha: HEAD, phase: "full", wave }),
  });

/**
 * A PR review (reopened) of the example campaign; `phase8` is what the head's `labgate/phase8`
 * check runs are, `serveRuns` answers the dispatch workflow's runs. Returns the dashboard body
 * GitHub received.
 */
async function dashboard(
  maxJobHours: number | undefined,
  phase8: Record<string, unknown>[],
  serveRuns: (scope: nock.Scope) => void = () => {},
): Promise<string> {
  const gates = await gateCount();
  const app = await testApp();
  let body = "";
  const scope = withToken(nock(API));
  serveGatesDispatch(scope);
  serveFiles(scope, files(maxJobHours), 2);
  serveOwnChecks(scope);
  scope
    .post(`${R}/check-runs`)
    .times(gates)
    .reply(201, { id: 1 })
    .get(`${R}/commits/${HEAD}/check-runs`)
    .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
    .reply(200, checkRunsReply(phase8));
  serveRuns(scope);
  scope
    .get(`${R}/issues/2/comments`)
    .query(true)
    .reply(200, [])
    .post(`${R}/issues/2/comments`, (b) => {
      body = b.body;
      return true;
    })
    .reply(201, { id: 10 });
  await app.receive("pull_request", pullRequestEvent("reopened"));
  scope.done();
  expect(body.startsWith(DASHBOARD_MARKER)).toBe(true);
  return body;
}

describe("the dashboard shows a campaign's waves", () => {
  it("approved, wave 1 done and wave 2 running: each wave's state with its run, and the expected finish as an estimate", async () => {
    const waves = plannedWaves(1);
    expect(waves.length).toBeGreaterThanOrEqual(3);
    const body = await dashboard(1, [approvedOnHead()], (scope) =>
      scope
        .get(RUNS)
        .query(DISPATCH_RUNS_QUERY)
        .reply(200, {
          total_count: 5,
          workflow_runs: [
            waveRun(72, 2, "in_progress", null),
            // Another PR's run and another commit's are not this campaign's.
            dispatchRun(70, { pr: 3, status: "in_progress", conclusion: null }),
            dispatchRun(69, { sha: "a".repeat(40), status: "in_progress", conclusion: null }),
            waveRun(71, 1, "completed", "success"),
            // An earlier attempt of wave 1: the newest run of a wave decides.
            waveRun(68, 1, "completed", "failure"),
          ],
        }),
    );
    const total = waves.reduce((h, w) => h + w.hours, 0);
    const left = waves.slice(1).reduce((h, w) => h + w.hours, 0);
    const run = (id: number) => `https://github.com/Codertocat/Hello-World/actions/runs/${id}`;
    const [first, second, ...rest] = waves as [Wave, Wave, ...Wave[]];
    expect(body).toContain(
      [
        "### Waves",
        "",
        `The full phase is planned in ${waves.length} waves, one workflow run each, the next dispatched when the last has committed its results: about ${tenths(total)} h in all.`,
        "",
        "| wave | runs | planned hours | state |",
        "| --- | --- | --- | --- |",
        `| 1 | ${first.runs} | ${tenths(first.hours)} | ✅ done ([run](${run(71)})) |`,
        `| 2 | ${second.runs} | ${tenths(second.hours)} | 🔄 running ([run](${run(72)})) |`,
        ...rest.map((w) => `| ${w.wave} | ${w.runs} | ${tenths(w.hours)} | ⏳ to come |`),
        "",
        `**Expected finish:** about ${nowPlus(left)} — an estimate: now plus the planned hours of the running and coming waves, ${tenths(left)} h.`,
      ].join("\n"),
    );
  });

  it("before an approval: every wave to come, and when it would finish if dispatched now; the runs are not listed", async () => {
    const waves = plannedWaves(1);
    const total = waves.reduce((h, w) => h + w.hours, 0);
    const body = await dashboard(1, []);
    expect(body).toContain(
      waves.map((w) => `| ${w.wave} | ${w.runs} | ${tenths(w.hours)} | ⏳ to come |`).join("\n"),
    );
    expect(body).toContain(
      `**Expected finish:** about ${nowPlus(total)} if dispatched now — an estimate from the planned hours of the waves, ${tenths(total)} h.`,
    );
  });

  it("GitHub refuses the listing: the waves are shown with unknown states and the dashboard is still posted", async () => {
    const body = await dashboard(1, [approvedOnHead()], (scope) =>
      scope.get(RUNS).query(DISPATCH_RUNS_QUERY).reply(500, { message: "boom" }),
    );
    const [first] = plannedWaves(1) as [Wave];
    expect(body).toContain(`| 1 | ${first.runs} | ${tenths(first.hours)} | ? |`);
    expect(body).toContain(
      "> ⚠️ The waves' states are not known: listing the runs of `labgate-dispatch.yml` failed (GitHub answered 500); they show again at the next review.",
    );
    expect(body).not.toContain("Expected finish");
  });

  it("paused for the GPU-hour budget before wave 2: the wave is paused, no expected finish, and the Phase 8 line asks for the larger budget", async () => {
    const paused = { wave: 2, measured_gpu_hours: 0.9, wave_gpu_hours: 0.5, budget_gpu_hours: 1 };
    const body = await dashboard(
      1,
      [approvedOnHead({ budget_gpu_hours: 1, budget_from: "approver", paused })],
      (scope) =>
        scope
          .get(RUNS)
          .query(DISPATCH_RUNS_QUERY)
          .reply(200, {
            total_count: 2,
            workflow_runs: [
              // Wave 2's plan step refused it for the budget.
              waveRun(72, 2, "completed", "failure"),
              waveRun(71, 1, "completed", "success"),
            ],
          }),
    );
    const [, second] = plannedWaves(1) as [Wave, Wave];
    expect(body).toContain(
      `| 2 | ${second.runs} | ${tenths(second.hours)} | ⏸️ paused ([run](https://github.com/Codertocat/Hello-World/actions/runs/72)) |`,
    );
    expect(body).toContain(
      "**Expected finish:** none while paused — wave 2 waits for a larger GPU-hour budget.",
    );
    expect(body).toContain(
      "**Phase 8:** approved by @octocat at 2026-05-01T10:00:00.000Z for `ec26c3e`; the waves are paused.\n\n⏸️ **Paused for the GPU-hour budget before wave 2:** 0.9 GPU-hours measured so far + 0.5 estimated for wave 2 = 1.4, over the approved budget of 1.",
    );
    expect(body).toContain("An approver comments `/approve-phase8 budget=2` (or more)");
  });

  it("completed in fewer waves than planned (later waves are planned again from what is left): the planned waves that never ran are left out", async () => {
    const waves = plannedWaves(1);
    expect(waves.length).toBeGreaterThanOrEqual(3);
    const completed = {
      ...approvedOnHead({ state: "completed" }),
      status: "completed",
      conclusion: "success",
    };
    const body = await dashboard(1, [completed], (scope) =>
      scope
        .get(RUNS)
        .query(DISPATCH_RUNS_QUERY)
        .reply(200, {
          total_count: 2,
          workflow_runs: [
            waveRun(72, 2, "completed", "success"),
            waveRun(71, 1, "completed", "success"),
          ],
        }),
    );
    expect(body).toContain("| 2 | ");
    expect(body).not.toContain("| 3 | ");
    expect(body).not.toContain("to come");
    expect(body).toContain("**Finished:** every wave has run.");
  });

  it("a campaign in one wave shows no waves and lists no runs", async () => {
    const body = await dashboard(undefined, [approvedOnHead()]);
    expect(body).toContain("**Phase 8:** approved by @octocat");
    expect(body).not.toContain("Waves");
  });

  it("the next step of a paused chain is an approver's larger budget", () => {
    const body = renderDashboard({
      pr: 2,
      headSha: HEAD,
      definitionsPath: "experiments/definitions.json",
      experiments: [],
      verdicts: [],
      pending: [],
      plannedRuns: 0,
      gpuHours: 0,
      runs: [],
      approval: {
        kind: "approved",
        by: "octocat",
        at: "t0",
        sha: HEAD,
        paused: { wave: 2, line: "⏸️ **Paused for the GPU-hour budget before wave 2:** …" },
      },
    });
    expect(body).toContain(
      "**Next step:** an approver gives the campaign a larger budget (`/approve-phase8 budget=N`, above).",
    );
  });
});
