import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatchRunTitle } from "../../src/app/approval/dispatch-run-title.js";
import { DASHBOARD_MARKER, renderDashboard } from "../../src/app/dashboard/render-dashboard.js";
import { wavesProgress } from "../../src/app/dashboard/render-waves.js";
import { withWavesSection } from "../../src/app/dashboard/show-waves.js";
import { parseConfig } from "../../src/core/config/parse-config.js";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import { planDispatch, type Wave } from "../../src/core/plan/plan-dispatch.js";
import { encodeApproval } from "../../src/github/check-run-protocol.js";
import {
  API,
  BASE_REF,
  BEFORE,
  checkRun,
  checkRunsReply,
  DISPATCH_RUNS_QUERY,
  dispatchRun,
  example,
  exampleFiles,
  HEAD,
  NOW,
  nock,
  pullRequestResource,
  R,
  serveFiles,
  servePolicy,
  testApp,
  withToken,
} from "./harness.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/**
 * The example campaign with its runner jobs cut at 1 h: several waves. Its GPUs are made 2 GB, so
 * each holds one of its 1,024 MB runs at a time (on 24 GB, twenty share a GPU and one wave holds
 * the whole campaign).
 */
function files(): Record<string, string> {
  const f = exampleFiles();
  f[".github/labgate.yml"] =
    `${(f[".github/labgate.yml"] as string).replace("gpu_memory_mb: 24576", "gpu_memory_mb: 2048")}\ndispatch:\n  max_job_hours: 1\n`;
  return f;
}

/** The waves the real planner makes of these files. */
function plannedWaves(): Wave[] {
  const f = files();
  const config = parseConfig(".github/labgate.yml", f[".github/labgate.yml"] as string);
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

const RUNS = `${R}/actions/workflows/labgate-dispatch.yml/runs`;
const DEFINITIONS = `${R}/contents/experiments%2Fdefinitions.json`;
const PHASE8_QUERY = { filter: "all", per_page: "100", check_name: "labgate/phase8" };
const runUrl = (id: number) => `https://github.com/Codertocat/Hello-World/actions/runs/${id}`;
const tenths = (h: number) => String(Math.round(h * 10) / 10);

/** The approval of PR #2 at BEFORE (the approved commit); the head HEAD is wave 1's results commit. */
const RECORD = encodeApproval({
  v: 1,
  pr: 2,
  sha: BEFORE,
  phase: "full",
  by: "octocat",
  at: "2026-05-01T10:00:00.000Z",
  state: "approved",
  budget_gpu_hours: 100,
  budget_from: "config",
});
const APPROVED_SUMMARY = "Approved by @octocat for `f95f852`.\n\nBudget: 100 GPU-hours.";

const phase8 = (id: number, sha: string, summary = APPROVED_SUMMARY) => ({
  ...checkRun(id, "labgate/phase8", {
    status: "in_progress",
    conclusion: null,
    external_id: RECORD,
    title: "Approved: dispatched",
  }),
  head_sha: sha,
  output: { title: "Approved: dispatched", summary },
});

const waveRun = (id: number, wave: number, status: string, conclusion: string | null) =>
  dispatchRun(id, {
    status,
    conclusion,
    title: dispatchRunTitle({ pr: 2, sha: BEFORE, phase: "full", wave }),
  });

/** The real workflow_dispatch `completed` example: run 1000, wave 1 of PR #2 at BEFORE, succeeded. */
function wave1Finished() {
  const p = example(
    "workflow_run",
    (e) => e.action === "completed" && e.workflow_run.event === "workflow_dispatch",
  );
  p.installation = { id: 1 };
  p.workflow_run.id = 1000;
  p.workflow_run.path = ".github/workflows/labgate-dispatch.yml";
  p.workflow_run.head_branch = BASE_REF;
  p.workflow_run.head_sha = "d".repeat(40);
  p.workflow_run.display_title = dispatchRunTitle({ pr: 2, sha: BEFORE, phase: "full", wave: 1 });
  p.workflow_run.conclusion = "success";
  p.workflow_run.status = "completed";
  p.workflow_run.html_url = runUrl(1000);
  return p;
}

/** Wave 2 (run 1001, started by wave 1's aggregate) runs; wave 1 (run 1000) succeeded. */
const RUNS_NOW = {
  total_count: 2,
  workflow_runs: [waveRun(1001, 2, "in_progress", null), waveRun(1000, 1, "completed", "success")],
};

/** The dashboard as the last review wrote it: every wave still to come. */
function dashboardBefore(): string {
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
    approval: { kind: "approved", by: "octocat", at: "t0", sha: BEFORE },
    waves: wavesProgress(plannedWaves(), [], NOW),
  });
  return `${DASHBOARD_MARKER}\n${body}`;
}

/** The handler's reads up to the decision that the approval stays open for wave 2. */
function serveUpToWave2(scope: nock.Scope): nock.Scope {
  return servePolicy(scope, files()[".github/labgate.yml"] as string)
    .get(`${R}/commits/${BEFORE}/check-runs`)
    .query(PHASE8_QUERY)
    .reply(200, checkRunsReply([phase8(500, BEFORE)]))
    .get(RUNS)
    .query(DISPATCH_RUNS_QUERY)
    .reply(200, RUNS_NOW);
}

describe("a wave's dispatch run completed and the next wave runs", () => {
  it("labgate/phase8 on the approved commit and on the head shows the waves (wave 1 done, wave 2 running, the rest to come) with the same record, still in progress; the dashboard's waves are refreshed", async () => {
    const waves = plannedWaves();
    expect(waves.length).toBeGreaterThanOrEqual(3);
    const app = await testApp();
    const patched: Record<number, any> = {};
    let dashboard = "";
    const definitions = files()["experiments/definitions.json"] as string;
    const scope = serveUpToWave2(withToken(nock(API)))
      // The definitions at the approved commit plan the waves.
      .get(DEFINITIONS)
      .query({ ref: BEFORE })
      .reply(200, {
        type: "file",
        size: definitions.length,
        encoding: "base64",
        content: Buffer.from(definitions).toString("base64"),
      })
      .get(RUNS)
      .query(DISPATCH_RUNS_QUERY)
      .reply(200, RUNS_NOW)
      .get(`${R}/pulls/2`)
      .reply(200, pullRequestResource())
      .get(`${R}/commits/${BEFORE}/check-runs`)
      .query(PHASE8_QUERY)
      .reply(200, checkRunsReply([phase8(500, BEFORE)]))
      .patch(`${R}/check-runs/500`, (b) => {
        patched[500] = b;
        return true;
      })
      .reply(200, {})
      // The head (wave 1's results commit) carries the approval too; its summary already had
      // waves from an earlier update, which are replaced, not repeated.
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(PHASE8_QUERY)
      .reply(
        200,
        checkRunsReply([phase8(501, HEAD, `${APPROVED_SUMMARY}\n\n### Waves\n\nstale table`)]),
      )
      .patch(`${R}/check-runs/501`, (b) => {
        patched[501] = b;
        return true;
      })
      .reply(200, {})
      .get(`${R}/issues/2/comments`)
      .query({ per_page: "100" })
      .reply(200, [{ id: 77, body: dashboardBefore() }])
      .patch(`${R}/issues/comments/77`, (b: { body: string }) => {
        dashboard = b.body;
        return true;
      })
      .reply(200, {});
    await app.receive("workflow_run", wave1Finished());
    scope.done();

    const [first, second, ...rest] = waves as [Wave, Wave, ...Wave[]];
    const table = [
      "| wave | runs | planned hours | state |",
      "| --- | --- | --- | --- |",
      `| 1 | ${first.runs} | ${tenths(first.hours)} | ✅ done ([run](${runUrl(1000)})) |`,
      `| 2 | ${second.runs} | ${tenths(second.hours)} | 🔄 running ([run](${runUrl(1001)})) |`,
      ...rest.map((w) => `| ${w.wave} | ${w.runs} | ${tenths(w.hours)} | ⏳ to come |`),
    ].join("\n");
    for (const id of [500, 501]) {
      const body = patched[id];
      expect(body).toMatchObject({ status: "in_progress", external_id: RECORD });
      expect(body).not.toHaveProperty("conclusion");
      expect(body.output.title).toBe("Approved: dispatched");
      const summary: string = body.output.summary;
      expect(summary.startsWith(`${APPROVED_SUMMARY}\n\n### Waves\n`)).toBe(true);
      expect(summary).toContain(table);
      expect(summary).toContain("**Expected finish:** about ");
      expect(summary.match(/### Waves/g)).toHaveLength(1);
      expect(summary).not.toContain("stale table");
    }
    expect(dashboard.startsWith(`${DASHBOARD_MARKER}\n`)).toBe(true);
    expect(dashboard).toContain(table);
    expect(dashboard.match(/### Waves/g)).toHaveLength(1);
  });

  it("GitHub answers 502 to the definitions read: no check run or dashboard is touched, and the work fails to be tried again", async () => {
    const app = await testApp();
    const unmatched: string[] = [];
    const onNoMatch = (req: { method?: string; path?: string }) =>
      unmatched.push(`${req.method} ${req.path}`);
    nock.emitter.on("no match", onNoMatch);
    const scope = serveUpToWave2(withToken(nock(API)))
      .get(DEFINITIONS)
      .query({ ref: BEFORE })
      .reply(502, { message: "Bad Gateway" });
    try {
      await expect(app.receive("workflow_run", wave1Finished())).rejects.toMatchObject({
        status: 502,
      });
    } finally {
      nock.emitter.removeListener("no match", onNoMatch);
    }
    scope.done();
    // Nothing beyond the served reads: no PATCH of phase8, no dashboard edit.
    expect(unmatched).toEqual([]);
    expect(app.errors).toHaveLength(1);
  });
});

describe("the last wave's dispatch run completed", () => {
  it("the completed labgate/phase8 ends with the waves, every one done, and says the campaign finished", async () => {
    const waves = plannedWaves();
    const app = await testApp();
    const patched: any[] = [];
    const created: any[] = [];
    const last = waves.length;
    const runs = {
      total_count: last,
      workflow_runs: waves
        .map((w) => waveRun(1000 + w.wave, w.wave, "completed", "success"))
        .reverse(),
    };
    const scope = servePolicy(withToken(nock(API)), files()[".github/labgate.yml"] as string)
      .get(`${R}/commits/${BEFORE}/check-runs`)
      .query(PHASE8_QUERY)
      .reply(200, checkRunsReply([phase8(500, BEFORE)]))
      // No later wave (asked once), then the waves' states (asked again).
      .get(RUNS)
      .query(DISPATCH_RUNS_QUERY)
      .times(2)
      .reply(200, runs)
      .get(`${R}/pulls/2`)
      .reply(200, pullRequestResource());
    // The results batch at the head holds the definitions too: no results here.
    const asked = serveFiles(scope, files(), 1);
    scope
      .get(`${R}/commits/${BEFORE}/check-runs`)
      .query(PHASE8_QUERY)
      .reply(200, checkRunsReply([phase8(500, BEFORE)]))
      .patch(`${R}/check-runs/500`, (b) => patched.push(b) > 0)
      .reply(200, {})
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(PHASE8_QUERY)
      .reply(200, checkRunsReply([]))
      .post(`${R}/check-runs`, (b) => created.push(b) > 0)
      .reply(201, { id: 501 });
    const p = wave1Finished();
    p.workflow_run.id = 1000 + last;
    p.workflow_run.display_title = dispatchRunTitle({
      pr: 2,
      sha: BEFORE,
      phase: "full",
      wave: last,
    });
    await app.receive("workflow_run", p);
    scope.done();
    expect(asked).toContain("experiments/definitions.json");
    expect(patched).toHaveLength(1);
    const body = patched[0];
    expect(body).toMatchObject({ status: "completed", conclusion: "success" });
    const summary: string = body.output.summary;
    expect(summary.indexOf("### labgate/phase8: dispatch success")).toBe(0);
    expect(summary).toContain(
      waves
        .map(
          (w) =>
            `| ${w.wave} | ${w.runs} | ${tenths(w.hours)} | ✅ done ([run](${runUrl(1000 + w.wave)})) |`,
        )
        .join("\n"),
    );
    expect(summary.endsWith("\n\n**Finished:** every wave has run.")).toBe(true);
    expect(created[0].output.summary).toBe(summary);
  });
});

describe("withWavesSection", () => {
  const progress = wavesProgress(
    [
      { wave: 1, runs: 2, hours: 1 },
      { wave: 2, runs: 1, hours: 0.5 },
    ],
    [],
    NOW,
  );

  it("puts the waves last, after the summary", () => {
    const out = withWavesSection("Approved.", progress);
    expect(out.startsWith("Approved.\n\n### Waves\n\n")).toBe(true);
    expect(out).toContain("| 2 | 1 | 0.5 | ⏳ to come |");
  });

  it("replaces the waves an earlier update wrote, once", () => {
    const out = withWavesSection(withWavesSection("Approved.", progress), progress);
    expect(out).toBe(withWavesSection("Approved.", progress));
  });

  it("an empty summary gets the waves alone", () => {
    expect(withWavesSection("", progress).startsWith("### Waves\n")).toBe(true);
  });
});
