import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatchRunTitle } from "../../src/app/approval/dispatch-run-title.js";
import { DASHBOARD_MARKER } from "../../src/app/dashboard/render-dashboard.js";
import { decodeApproval, encodeApproval } from "../../src/github/check-run-protocol.js";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { serveGatesDispatch } from "./dry-run-helpers.js";
import {
  API,
  BASE_REF,
  BEFORE,
  checkRun,
  checkRunsReply,
  example,
  exampleFiles,
  HEAD,
  NOW,
  nock,
  pullRequestResource,
  R,
  serveFiles,
  serveOwnChecks,
  servePolicy,
  testApp,
  withToken,
} from "./harness.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const config = exampleFiles()[".github/labgate.yml"] as string;
const RUN_URL = "https://github.com/Codertocat/Hello-World/actions/runs/1589141559";
const TABLE_HEADER = "| experiment | method | dataset | metric | n | mean ± std |";

const record = (sha: string, state: "approved" | "completed" = "approved") =>
  encodeApproval({ v: 1, pr: 2, sha, phase: "full", by: "octocat", at: "t0", state });

const phase8 = (id: number, sha: string) => ({
  ...checkRun(id, "labgate/phase8", {
    status: "in_progress",
    conclusion: null,
    external_id: record(sha),
  }),
  head_sha: sha,
});

/**
 * The real workflow_dispatch `completed` example, adapted: labgate's dispatch of PR #2 at `sha`,
 * run from the default branch (its head is the default branch's commit; its title names the PR).
 */
function dispatchFinished(
  sha: string,
  conclusion: string,
  path = ".github/workflows/labgate-dispatch.yml",
  branch = BASE_REF,
) {
  const p = example(
    "workflow_run",
    (e) => e.action === "completed" && e.workflow_run.event === "workflow_dispatch",
  );
  p.installation = { id: 1 };
  p.workflow_run.path = path;
  p.workflow_run.head_branch = branch;
  p.workflow_run.head_sha = "d".repeat(40);
  p.workflow_run.display_title = dispatchRunTitle({ pr: 2, sha, phase: "full" });
  p.workflow_run.conclusion = conclusion;
  p.workflow_run.status = "completed";
  p.workflow_run.html_url = RUN_URL;
  return p;
}

/** The dispatch workflow's runs on the default branch (newest first), as listWorkflowRuns asks. */
function serveDispatchRuns(scope: nock.Scope, runs: any[] = []) {
  return scope
    .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
    .query({ branch: BASE_REF, event: "workflow_dispatch", per_page: "100" })
    .reply(200, { total_count: runs.length, workflow_runs: runs });
}

/** A run of the dispatch workflow for PR #2 at `sha`, wave `wave`, as GitHub lists it. */
const dispatchRun = (id: number, sha: string, wave: number) => ({
  id,
  status: "queued",
  conclusion: null,
  html_url: `https://github.com/Codertocat/Hello-World/actions/runs/${id}`,
  head_sha: "d".repeat(40),
  event: "workflow_dispatch",
  head_branch: BASE_REF,
  display_title: dispatchRunTitle({ pr: 2, sha, phase: "full", wave }),
});

const checkRunsPath = (sha: string) => `${R}/commits/${sha}/check-runs`;
const phase8Query = { filter: "all", per_page: "100", check_name: "labgate/phase8" };

/** A full `dispatch/state.json` entry; the schema fills in the rest. */
const stateEntry = (id: string, status: string, reason: string | null) => ({
  id,
  exp_id: "resnet_cifar",
  phase: "full",
  method: "resnet",
  dataset: "cifar10",
  seed: 1,
  status,
  reason,
  run_url: status === "failed" ? `${RUN_URL}/job/7` : null,
});

describe("workflow_run.completed", () => {
  it("the dispatch workflow succeeded: phase8 is completed on the approved commit and created on the results head, with the results table", async () => {
    const app = await testApp();
    const patched: any[] = [];
    const created: any[] = [];
    const aggregated = JSON.stringify([
      {
        exp_id: "resnet_cifar",
        method: "resnet",
        dataset: "cifar10",
        metric: "accuracy",
        n: 3,
        mean: 0.91234,
        std: 0.01,
      },
    ]);
    // The default branch's config names the workflow.
    const scope = servePolicy(withToken(nock(API)), config)
      // The approval for the PR and commit the run's title names, on that commit.
      .get(checkRunsPath(BEFORE))
      .query(phase8Query)
      .reply(200, checkRunsReply([phase8(500, BEFORE)]))
      .get(`${R}/pulls/2`)
      .reply(200, pullRequestResource());
    // No later wave was started: this run was the campaign's last.
    serveDispatchRuns(scope);
    // The completion uses the policy the handler loaded: it is not read a second time.
    const asked = serveFiles(
      scope,
      {
        "experiments/results/aggregated.json": aggregated,
        "dispatch/state.json": JSON.stringify({
          project: "p",
          updated: "t",
          experiments: [stateEntry("resnet_cifar_s1", "done", null)],
        }),
      },
      1,
    );
    scope
      .get(checkRunsPath(BEFORE))
      .query(phase8Query)
      .reply(200, checkRunsReply([phase8(500, BEFORE)]))
      .patch(`${R}/check-runs/500`, (b) => patched.push(b) > 0)
      .reply(200, {})
      // The results commit landed before labgate saw its push: the head has no phase8 yet.
      .get(checkRunsPath(HEAD))
      .query(phase8Query)
      .reply(200, checkRunsReply([]))
      .post(`${R}/check-runs`, (b) => created.push(b) > 0)
      .reply(201, { id: 501 });
    await app.receive("workflow_run", dispatchFinished(BEFORE, "success"));
    scope.done();
    // The definitions come in the same batch: they plan the waves shown at the end (none here).
    expect(asked).toEqual([
      "experiments/results/aggregated.json",
      "dispatch/state.json",
      "experiments/definitions.json",
    ]);
    expect(patched).toHaveLength(1);
    const body = patched[0];
    expect(body).toMatchObject({
      status: "completed",
      conclusion: "success",
      completed_at: NOW.toISOString(),
      details_url: RUN_URL,
      output: { title: "Dispatch success — 1 result rows" },
    });
    expect(decodeApproval(body.external_id)).toMatchObject({
      pr: 2,
      sha: BEFORE,
      state: "completed",
    });
    expect(body.output.summary).toContain("### labgate/phase8: dispatch success");
    expect(body.output.summary).toContain(TABLE_HEADER);
    expect(body.output.summary).toContain(
      "| `resnet_cifar` | resnet | cifar10 | accuracy | 3 | 0.9123 ± 0.0100 |",
    );
    expect(body.output.summary).toContain(`[workflow run](${RUN_URL})`);
    expect(body.output.summary).toContain("Runs: 1 done, 0 failed");
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      name: "labgate/phase8",
      head_sha: HEAD,
      status: "completed",
      conclusion: "success",
      output: { summary: body.output.summary },
    });
  });

  it("a failed dispatch completes phase8 as failure, with each failed run's reason", async () => {
    const app = await testApp();
    const patched: any[] = [];
    // One policy read for the whole piece of work: the completion gets it from the handler.
    const scope = servePolicy(withToken(nock(API)), config)
      .get(checkRunsPath(HEAD))
      .query(phase8Query)
      .times(2)
      .reply(200, checkRunsReply([phase8(500, HEAD)]))
      .get(`${R}/pulls/2`)
      .reply(200, pullRequestResource());
    serveDispatchRuns(scope);
    serveFiles(
      scope,
      {
        "dispatch/state.json": JSON.stringify({
          project: "p",
          updated: "t",
          experiments: [
            stateEntry("resnet_cifar_s1", "done", null),
            stateEntry("resnet_cifar_s2", "failed", "exit 1: CUDA out of memory"),
            stateEntry("resnet_cifar_s3", "on_hold", "ran past 2 x 0.1 h"),
          ],
        }),
      },
      1,
    );
    // Its plan job passed: not a wave the budget paused (approval-budget.test.ts).
    scope
      .get(new RegExp(`^${R}/actions/runs/\\d+/jobs`))
      .query(true)
      .reply(200, {
        total_count: 1,
        jobs: [
          { id: 70, name: "plan", status: "completed", conclusion: "success", html_url: null },
        ],
      });
    scope.patch(`${R}/check-runs/500`, (b) => patched.push(b) > 0).reply(200, {});
    await app.receive("workflow_run", dispatchFinished(HEAD, "failure"));
    scope.done();
    expect(patched).toHaveLength(1);
    const body = patched[0];
    expect(body).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "Dispatch failure" },
    });
    expect(decodeApproval(body.external_id)?.state).toBe("completed");
    expect(body.output.summary).toContain("### labgate/phase8: dispatch failure");
    expect(body.output.summary).toContain("_No aggregated results were committed._");
    expect(body.output.summary).toContain("Runs: 1 done, 1 failed, 1 on hold, 0 cancelled of 3.");
    expect(body.output.summary).toContain(
      `- \`resnet_cifar_s2\` failed: exit 1: CUDA out of memory ([log](${RUN_URL}/job/7))`,
    );
    expect(body.output.summary).toContain("- `resnet_cifar_s3` on_hold: ran past 2 x 0.1 h");
  });

  it("wave 1 of 2: the aggregate job started wave 2, so phase8 is not completed and the approval stays open", async () => {
    const app = await testApp();
    const unmatched: string[] = [];
    const onNoMatch = (req: { method?: string; path?: string }) =>
      unmatched.push(`${req.method} ${req.path}`);
    nock.emitter.on("no match", onNoMatch);
    const scope = servePolicy(withToken(nock(API)), config)
      .get(checkRunsPath(HEAD))
      .query(phase8Query)
      .reply(200, checkRunsReply([phase8(500, HEAD)]));
    // Wave 2 (run 1001, started by wave 1's aggregate) is listed; so is an older run.
    serveDispatchRuns(scope, [dispatchRun(1001, HEAD, 2), dispatchRun(999, HEAD, 1)]);
    // The waves shown on phase8 are planned from the definitions at the approved commit
    // (phase8-waves.test.ts); this config plans one wave, so there is nothing to show.
    const definitions = exampleFiles()["experiments/definitions.json"] as string;
    scope
      .get(`${R}/contents/experiments%2Fdefinitions.json`)
      .query({ ref: HEAD })
      .reply(200, {
        type: "file",
        size: definitions.length,
        encoding: "base64",
        content: Buffer.from(definitions).toString("base64"),
      });
    const p = dispatchFinished(HEAD, "success");
    p.workflow_run.id = 1000;
    p.workflow_run.display_title = dispatchRunTitle({ pr: 2, sha: HEAD, phase: "full", wave: 1 });
    try {
      await app.receive("workflow_run", p);
    } finally {
      nock.emitter.removeListener("no match", onNoMatch);
    }
    scope.done();
    // Neither the PR, nor the results, nor any check-run write: nothing was completed.
    expect(unmatched).toEqual([]);
  });

  it("wave 2 of 2: no wave 3 was started, so phase8 is completed", async () => {
    const app = await testApp();
    const patched: any[] = [];
    const scope = servePolicy(withToken(nock(API)), config)
      .get(checkRunsPath(HEAD))
      .query(phase8Query)
      .times(2)
      .reply(200, checkRunsReply([phase8(500, HEAD)]))
      .get(`${R}/pulls/2`)
      .reply(200, pullRequestResource());
    // Only this run (wave 2) and the one before it (wave 1): no later wave.
    serveDispatchRuns(scope, [dispatchRun(1001, HEAD, 2), dispatchRun(1000, HEAD, 1)]);
    serveFiles(scope, {}, 1);
    scope.patch(`${R}/check-runs/500`, (b) => patched.push(b) > 0).reply(200, {});
    const p = dispatchFinished(HEAD, "success");
    p.workflow_run.id = 1001;
    p.workflow_run.display_title = dispatchRunTitle({ pr: 2, sha: HEAD, phase: "full", wave: 2 });
    await app.receive("workflow_run", p);
    scope.done();
    expect(patched).toHaveLength(1);
    expect(patched[0]).toMatchObject({ status: "completed", conclusion: "success" });
    expect(decodeApproval(patched[0].external_id)?.state).toBe("completed");
  });

  it("another workflow's dispatch run is ignored: the config is read, no check run is touched", async () => {
    const app = await testApp();
    const scope = servePolicy(withToken(nock(API)), config);
    await app.receive(
      "workflow_run",
      dispatchFinished(HEAD, "success", ".github/workflows/release.yml"),
    );
    scope.done();
  });

  it("a dispatch run of the workflow on another branch than the default (a PR's own copy) is ignored", async () => {
    const app = await testApp();
    const scope = servePolicy(withToken(nock(API)), config);
    await app.receive(
      "workflow_run",
      dispatchFinished(HEAD, "success", ".github/workflows/labgate-dispatch.yml", "changes"),
    );
    scope.done();
  });

  it("a workflow_dispatch run whose title is not a labgate dispatch's is ignored without a request", async () => {
    const app = await testApp();
    const p = dispatchFinished(HEAD, "success");
    p.workflow_run.display_title = "Deploy to production";
    await app.receive("workflow_run", p);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("a configured dispatch_workflow replaces the default name", async () => {
    const app = await testApp();
    const scope = servePolicy(
      withToken(nock(API)),
      `${config}\ndispatch_workflow: gpu-dispatch.yml\n`,
    );
    // The default file name no longer counts as the dispatch workflow.
    await app.receive("workflow_run", dispatchFinished(HEAD, "success"));
    scope.done();
  });

  it("a workflow run not started by workflow_dispatch is ignored without a single request", async () => {
    const app = await testApp();
    const p = example(
      "workflow_run",
      (e) => e.action === "completed" && e.workflow_run.event !== "workflow_dispatch",
    );
    p.installation = { id: 1 };
    await app.receive("workflow_run", p);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("no standing approval on the commit: nothing is completed", async () => {
    const app = await testApp();
    const scope = servePolicy(withToken(nock(API)), config)
      .get(checkRunsPath(HEAD))
      .query(phase8Query)
      .reply(200, checkRunsReply([]));
    await app.receive("workflow_run", dispatchFinished(HEAD, "success"));
    scope.done();
  });
});

/** The gates the example campaign gets (no pilot results yet): computed by the real core. */
async function expectedGates(): Promise<string[]> {
  const { verdicts } = await reviewGates({ workspace: diskWorkspace(ROOT), dryRun: "skip" });
  return verdicts.filter((v) => v.gate !== "pilot").map((v) => `labgate/${v.gate}`);
}

/** Everything a re-review asks after the check runs: the approval lookup and the dashboard. */
function lookupAndDashboard(scope: nock.Scope, dashboard: string[]) {
  return scope
    .get(checkRunsPath(HEAD))
    .query(phase8Query)
    .reply(200, checkRunsReply([]))
    .get(`${R}/issues/2/comments`)
    .query(true)
    .reply(200, [{ id: 10, body: `${DASHBOARD_MARKER}\nold`, user: { login: "labgate[bot]" } }])
    .patch(`${R}/issues/comments/10`, (b) => dashboard.push(b.body) > 0)
    .reply(200, { id: 10 });
}

/** The real check_suite `rerequested` example (PR #2 of Codertocat/Hello-World at HEAD). */
function suiteRerequested() {
  const p = example("check_suite", (e) => e.action === "rerequested");
  p.installation = { id: 1 };
  return p;
}

/** The real check_run `rerequested` example, moved onto PR #2's head and named `name`. */
function runRerequested(name: string) {
  const suite = suiteRerequested();
  const p = example("check_run", (e) => e.action === "rerequested");
  p.installation = { id: 1 };
  p.repository = suite.repository;
  p.check_run.name = name;
  p.check_run.head_sha = HEAD;
  p.check_run.pull_requests = suite.check_suite.pull_requests;
  return p;
}

describe("re-requested checks", () => {
  it("check_suite.rerequested reviews the PR head again: every gate's check and the dashboard", async () => {
    const gates = await expectedGates();
    const app = await testApp();
    const checks: any[] = [];
    const dashboard: string[] = [];
    const scope = withToken(nock(API));
    serveGatesDispatch(scope); // code review is posted again: its dry-run is dispatched again
    serveFiles(scope, exampleFiles(), 2);
    serveOwnChecks(scope);
    scope
      .post(`${R}/check-runs`, (b) => checks.push(b) > 0)
      .times(gates.length)
      .reply(201, { id: 1 });
    lookupAndDashboard(scope, dashboard);
    await app.receive("check_suite", suiteRerequested());
    scope.done();
    expect(checks.map((c) => c.name)).toEqual(gates);
    for (const c of checks) {
      expect(c).toMatchObject({ head_sha: HEAD, status: "completed" });
      expect(["success", "failure", "neutral"]).toContain(c.conclusion);
      expect(c.completed_at).toBe(NOW.toISOString());
      expect(c.output.summary.length).toBeGreaterThan(0);
    }
    expect(dashboard[0]?.startsWith(DASHBOARD_MARKER)).toBe(true);
  });

  it("check_run.rerequested posts only that gate's check again, and the dashboard keeps every gate", async () => {
    const gates = await expectedGates();
    const app = await testApp();
    const checks: any[] = [];
    const dashboard: string[] = [];
    const scope = withToken(nock(API));
    serveFiles(scope, exampleFiles(), 2);
    serveOwnChecks(scope);
    scope.post(`${R}/check-runs`, (b) => checks.push(b) > 0).reply(201, { id: 1 });
    lookupAndDashboard(scope, dashboard);
    await app.receive("check_run", runRerequested("labgate/definitions"));
    scope.done();
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      name: "labgate/definitions",
      head_sha: HEAD,
      status: "completed",
      conclusion: "success",
    });
    // The dashboard is rebuilt from every gate, not just the re-posted one.
    for (const gate of gates) expect(dashboard[0]).toContain(`| \`${gate}\` |`);
  });

  it("check_run.rerequested for a check that is not a labgate gate is ignored without a request", async () => {
    const app = await testApp();
    await app.receive("check_run", runRerequested("labgate/phase8"));
    await app.receive("check_run", runRerequested("ci/build"));
    expect(nock.pendingMocks()).toEqual([]);
  });
});
