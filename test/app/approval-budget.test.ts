import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatchRunTitle } from "../../src/app/approval/dispatch-run-title.js";
import { budgetPauseMessage } from "../../src/core/budget/budget-pause.js";
import {
  type ApprovalRecord,
  decodeApproval,
  encodeApproval,
} from "../../src/github/check-run-protocol.js";
import {
  API,
  BASE_REF,
  COMMENTED_AT,
  checkRun,
  checkRunsReply,
  DISPATCH_RUNS_QUERY,
  dispatchRun,
  example,
  exampleFiles,
  GREEN_CHECKS,
  HEAD,
  nock,
  prCommentEvent,
  pullRequestResource,
  R,
  serveActivity,
  servePolicy,
  testApp,
  withToken,
} from "./harness.js";
import { serveDefinitions } from "./serve-definitions.js";

/**
 * The approval carries a GPU-hour budget (docs/approval.md, "The budget"; issue #19): an
 * over-budget campaign is refused at approval with the numbers, an approver's `budget=N` is
 * recorded on `labgate/phase8`, a non-approver's is refused, and a wave the budget paused starts
 * again on a larger budget. GitHub is mocked at the HTTP layer; the bodies it receives are checked.
 */

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const config = exampleFiles()[".github/labgate.yml"] as string;
const COMMENT_ID = 492700400;

/** The example definitions with `budget.gpu_hours` set to `gpuHours`. */
function definitionsWithBudget(gpuHours: number): string {
  const defs = JSON.parse(exampleFiles()["experiments/definitions.json"] as string);
  defs.budget = { gpu_hours: gpuHours };
  return JSON.stringify(defs, null, 2);
}

/** Token, the PR, the default branch's config, then the commenter's permission. */
function upToPermission(role: string) {
  return servePolicy(
    withToken(nock(API)).get(`${R}/pulls/2`).reply(200, pullRequestResource()),
    config,
  )
    .get(`${R}/collaborators/Codertocat/permission`)
    .reply(200, { permission: role === "maintain" ? "write" : role, role_name: role });
}

/** No comment since the approving one (the `/cancel` check before a dispatch). */
function noCommentsSince(scope: nock.Scope) {
  return scope
    .get(`${R}/issues/2/comments`)
    .query({ since: COMMENTED_AT, per_page: "100" })
    .reply(200, []);
}

function expectReply(scope: nock.Scope, reaction: string, replies: string[]) {
  return scope
    .post(`${R}/issues/comments/${COMMENT_ID}/reactions`, (b) => b.content === reaction)
    .reply(201, {})
    .post(`${R}/issues/2/comments`, (b) => replies.push(b.body) > 0)
    .reply(201, { id: 1 });
}

describe("/approve-phase8 and the campaign's GPU-hour budget", () => {
  it("a campaign over its budget is refused at approval with the numbers and how to approve more; nothing recorded or dispatched", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = serveActivity(upToPermission("write"))
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(GREEN_CHECKS));
    noCommentsSince(scope);
    serveDefinitions(scope, definitionsWithBudget(1));
    expectReply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    const reply = replies[0] as string;
    const estimate = Number(/estimated at ([0-9.]+) GPU-hours/.exec(reply)?.[1]);
    expect(estimate).toBeGreaterThan(1);
    expect(reply).toContain("Not approved: the full phase is estimated at");
    expect(reply).toContain("over the definitions' `budget.gpu_hours` of 1 GPU-hours");
    expect(reply).toContain(`\`/approve-phase8 ${HEAD} budget=${Math.ceil(estimate)}\``);
  });

  it("over budget, the design debate's Skeptic already rejects it: the gates refusal names the numbers", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = serveActivity(upToPermission("write"))
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(
        200,
        checkRunsReply([
          ...GREEN_CHECKS.filter((c) => c.name !== "labgate/design-debate"),
          checkRun(12, "labgate/design-debate", { conclusion: "failure", title: "REJECT" }),
        ]),
      );
    serveDefinitions(scope, definitionsWithBudget(1));
    expectReply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8 budget=100"));
    scope.done();
    expect(replies[0]).toContain("Not approved: every gate must be green");
    expect(replies[0]).toMatch(
      /Over budget: the full phase is estimated at [0-9.]+ GPU-hours, over the definitions' `budget.gpu_hours` of 1 GPU-hours, and the design debate's Skeptic rejects it/,
    );
  });

  it("an approver's budget=N above the definitions' is accepted, recorded on labgate/phase8 and shown there", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const created: any[] = [];
    const marked: any[] = [];
    const dispatched: any[] = [];
    const scope = serveActivity(upToPermission("admin"))
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(GREEN_CHECKS));
    noCommentsSince(scope);
    serveDefinitions(scope, definitionsWithBudget(1));
    scope
      .post(`${R}/check-runs`, (b) => created.push(b) > 0)
      .reply(201, { id: 500 })
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
      .reply(200, () =>
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: created[0].external_id,
          }),
        ]),
      )
      .post(`${R}/actions/workflows/labgate-dispatch.yml/dispatches`, (b) => dispatched.push(b) > 0)
      .reply(204)
      .patch(`${R}/check-runs/500`, (b) => marked.push(b) > 0)
      .reply(200, {});
    expectReply(scope, "rocket", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8 budget=120"));
    scope.done();
    expect(decodeApproval(created[0].external_id)).toMatchObject({
      state: "dispatching",
      by: "Codertocat",
      budget_gpu_hours: 120,
      budget_from: "approver",
    });
    expect(decodeApproval(marked[0].external_id)).toMatchObject({
      state: "approved",
      budget_gpu_hours: 120,
      budget_from: "approver",
    });
    expect(marked[0].output.summary).toContain(
      "Budget: 120 GPU-hours (given by @Codertocat with `budget=120`)",
    );
    expect(dispatched).toEqual([{ ref: BASE_REF, inputs: { pr: "2", sha: HEAD, phase: "full" } }]);
  });

  it("without budget=, the definitions' budget is recorded with the approval", async () => {
    const app = await testApp();
    const created: any[] = [];
    const scope = serveActivity(upToPermission("write"))
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(GREEN_CHECKS));
    noCommentsSince(scope);
    serveDefinitions(scope);
    scope
      .post(`${R}/check-runs`, (b) => created.push(b) > 0)
      .reply(201, { id: 500 })
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, () =>
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: created[0].external_id,
          }),
        ]),
      )
      .post(`${R}/actions/workflows/labgate-dispatch.yml/dispatches`)
      .reply(204)
      .patch(`${R}/check-runs/500`)
      .reply(200, {});
    expectReply(scope, "rocket", []);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(created[0].output.summary).toContain(
      "Budget: 12 GPU-hours (the definitions' `budget.gpu_hours`)",
    );
    expect(decodeApproval(created[0].external_id)).toMatchObject({
      budget_gpu_hours: 12,
      budget_from: "definitions",
    });
  });

  it("a budget=N by someone who may not approve is refused with a reply; nothing read beyond the permission", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = upToPermission("read");
    expectReply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8 budget=500"));
    scope.done();
    expect(replies[0]).toContain(
      "Not approved, and the budget stays as it was: only an approver may give a budget (`budget=500`)",
    );
    expect(replies[0]).toContain("has read permission");
  });

  for (const bad of ["budget=abc", "budget=-5", "budget=0", "budget=1e9"])
    it(`a malformed ${bad} gets a reply saying what budget= takes; no API reads`, async () => {
      const app = await testApp();
      const replies: string[] = [];
      const scope = expectReply(withToken(nock(API)), "confused", replies);
      await app.receive("issue_comment", prCommentEvent(`/approve-phase8 ${bad}`));
      scope.done();
      expect(replies[0]).toContain(
        `labgate does not understand \`/approve-phase8 ${bad} (budget= takes one number of GPU-hours, more than 0 and at most 10000000, e.g. budget=120)\``,
      );
    });
});

/** The head after wave 1's results commit: the approval was carried to it. */
const RESULTS_HEAD = "e".repeat(40);
const PAUSE = { wave: 2, measured_gpu_hours: 9.5, wave_gpu_hours: 4, budget_gpu_hours: 12 };

function approvalRecord(fields: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    v: 1,
    pr: 2,
    sha: HEAD,
    phase: "full",
    by: "octocat",
    at: "2026-04-30T10:00:00.000Z",
    state: "approved",
    comment_id: 1,
    budget_gpu_hours: 12,
    budget_from: "definitions",
    ...fields,
  };
}

/** The PR at the results commit, its approval carried there (and paused, when `paused`). */
function atResultsHead(role: string, record: ApprovalRecord) {
  const pr = pullRequestResource();
  pr.head.sha = RESULTS_HEAD;
  const scope = servePolicy(withToken(nock(API)).get(`${R}/pulls/2`).reply(200, pr), config)
    .get(`${R}/collaborators/Codertocat/permission`)
    .reply(200, { permission: role, role_name: role });
  return serveActivity(scope, [{ after: RESULTS_HEAD, timestamp: "2019-05-15T15:19:21Z" }])
    .get(`${R}/commits/${RESULTS_HEAD}/check-runs`)
    .query({ filter: "all", per_page: "100" })
    .reply(
      200,
      checkRunsReply([
        {
          ...checkRun(600, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: encodeApproval(record),
          }),
          head_sha: RESULTS_HEAD,
        },
      ]),
    );
}

describe("a larger budget resumes the chain of waves the budget paused", () => {
  it("/approve-phase8 budget=N covering the paused wave: a record with the budget on the head, wave 2 dispatched again, the pause cleared", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const created: any[] = [];
    const patched: any[] = [];
    const dispatched: any[] = [];
    const scope = atResultsHead("write", approvalRecord({ paused: PAUSE }))
      .post(`${R}/check-runs`, (b) => created.push(b) > 0)
      .reply(201, { id: 601 })
      // Wave 1's run ended, wave 2's plan step refused: nothing of the approval is running.
      .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
      .query(DISPATCH_RUNS_QUERY)
      .reply(200, {
        total_count: 2,
        workflow_runs: [
          dispatchRun(1001, {
            title: dispatchRunTitle({ pr: 2, sha: HEAD, phase: "full", wave: 2 }),
          }),
          dispatchRun(1000, { conclusion: "success" }),
        ],
      })
      .post(`${R}/actions/workflows/labgate-dispatch.yml/dispatches`, (b) => dispatched.push(b) > 0)
      .reply(204)
      .patch(`${R}/check-runs/601`, (b) => patched.push(b) > 0)
      .reply(200, {});
    expectReply(scope, "rocket", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8 budget=14"));
    scope.done();
    expect(created[0]).toMatchObject({ name: "labgate/phase8", head_sha: RESULTS_HEAD });
    expect(decodeApproval(created[0].external_id)).toMatchObject({
      sha: HEAD,
      state: "approved",
      by: "Codertocat",
      comment_id: COMMENT_ID,
      budget_gpu_hours: 14,
      budget_from: "approver",
      paused: PAUSE,
    });
    expect(dispatched).toEqual([
      { ref: BASE_REF, inputs: { pr: "2", sha: HEAD, phase: "full", wave: "2" } },
    ]);
    const cleared = decodeApproval(patched[0].external_id);
    expect(cleared).toMatchObject({ budget_gpu_hours: 14, state: "approved" });
    expect(cleared?.paused).toBeUndefined();
    expect(replies[0]).toContain("it covers wave 2");
    expect(replies[0]).toContain("dispatched wave 2 again");
  });

  it("a budget=N still short of measured + the wave's estimate: refused with the numbers, nothing written", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = atResultsHead("write", approvalRecord({ paused: PAUSE }));
    expectReply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8 budget=13"));
    scope.done();
    expect(replies[0]).toContain(
      "`budget=13` does not cover wave 2 either: 9.5 GPU-hours measured so far + 4 estimated for wave 2 = 13.5",
    );
    expect(replies[0]).toContain("`/approve-phase8 budget=14`");
  });

  it("budget=N on a running approval raises the budget for the waves to come; nothing dispatched", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const created: any[] = [];
    const scope = atResultsHead("write", approvalRecord())
      .post(`${R}/check-runs`, (b) => created.push(b) > 0)
      .reply(201, { id: 601 });
    expectReply(scope, "+1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8 budget=40"));
    scope.done();
    expect(decodeApproval(created[0].external_id)).toMatchObject({
      budget_gpu_hours: 40,
      budget_from: "approver",
    });
    expect(created[0].output.summary).toContain("from 12 GPU-hours");
    expect(replies[0]).toContain("now allows 40 GPU-hours");
  });

  it("a non-approver's budget=N on a paused approval is refused: no record, no dispatch", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const pr = pullRequestResource();
    pr.head.sha = RESULTS_HEAD;
    const scope = servePolicy(withToken(nock(API)).get(`${R}/pulls/2`).reply(200, pr), config)
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "read", role_name: "read" });
    expectReply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8 budget=100"));
    scope.done();
    expect(replies[0]).toContain("only an approver may give a budget");
  });
});

describe("the app sees a wave the budget paused", () => {
  it("wave 2's plan job refused for the budget: labgate/phase8 stays open, paused, asking for /approve-phase8 budget=N", async () => {
    const app = await testApp();
    const patched: any[] = [];
    const p = example(
      "workflow_run",
      (e) => e.action === "completed" && e.workflow_run.event === "workflow_dispatch",
    );
    p.installation = { id: 1 };
    p.workflow_run.path = ".github/workflows/labgate-dispatch.yml";
    p.workflow_run.head_branch = BASE_REF;
    p.workflow_run.display_title = dispatchRunTitle({ pr: 2, sha: HEAD, phase: "full", wave: 2 });
    p.workflow_run.conclusion = "failure";
    p.workflow_run.status = "completed";
    const runId = p.workflow_run.id as number;
    const record = approvalRecord();
    const phase8 = checkRun(500, "labgate/phase8", {
      status: "in_progress",
      conclusion: null,
      external_id: encodeApproval(record),
    });
    const scope = servePolicy(withToken(nock(API)), config)
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
      .times(2)
      .reply(200, checkRunsReply([phase8]))
      // No wave 3 was started.
      .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
      .query(DISPATCH_RUNS_QUERY)
      .reply(200, { total_count: 0, workflow_runs: [] })
      .get(`${R}/pulls/2`)
      .reply(200, pullRequestResource())
      .get(`${R}/actions/runs/${runId}/jobs`)
      .query({ filter: "latest", per_page: "100" })
      .reply(200, {
        total_count: 1,
        jobs: [
          { id: 77, name: "plan", status: "completed", conclusion: "failure", html_url: null },
        ],
      })
      .get(`${R}/check-runs/77/annotations`)
      .query(true)
      .reply(200, [
        {
          path: ".github",
          annotation_level: "failure",
          message: `refusing to plan wave 2: ${budgetPauseMessage(PAUSE, 2)}`,
        },
      ])
      .patch(`${R}/check-runs/500`, (b) => patched.push(b) > 0)
      .reply(200, {});
    await app.receive("workflow_run", p);
    scope.done();
    expect(patched).toHaveLength(1);
    expect(patched[0].status).toBe("in_progress");
    expect(patched[0].conclusion).toBeUndefined();
    expect(patched[0].output.title).toBe(
      "Paused before wave 2: the GPU-hour budget does not cover it",
    );
    expect(patched[0].output.summary).toContain(
      "9.5 GPU-hours measured so far + 4 estimated for wave 2 = 13.5, over the approved budget of 12",
    );
    expect(patched[0].output.summary).toContain("`/approve-phase8 budget=14`");
    expect(decodeApproval(patched[0].external_id)).toMatchObject({
      state: "approved",
      paused: PAUSE,
    });
  });

  it("the last wave's completion shows the GPU-hours measured against the approval's largest budget (a raise on the head)", async () => {
    const app = await testApp();
    const patched: any[] = [];
    const p = example(
      "workflow_run",
      (e) => e.action === "completed" && e.workflow_run.event === "workflow_dispatch",
    );
    p.installation = { id: 1 };
    p.workflow_run.path = ".github/workflows/labgate-dispatch.yml";
    p.workflow_run.head_branch = BASE_REF;
    p.workflow_run.display_title = dispatchRunTitle({ pr: 2, sha: HEAD, phase: "full", wave: 2 });
    p.workflow_run.conclusion = "success";
    p.workflow_run.status = "completed";
    const pr = pullRequestResource();
    pr.head.sha = RESULTS_HEAD;
    const onHead = (id: number, r: ApprovalRecord) => ({
      ...checkRun(id, "labgate/phase8", {
        status: "in_progress",
        conclusion: null,
        external_id: encodeApproval(r),
      }),
      head_sha: RESULTS_HEAD,
    });
    const state = {
      project: "p",
      updated: "t",
      experiments: [
        {
          id: "full-a_s1",
          exp_id: "full-a",
          phase: "full",
          method: "a",
          dataset: "d",
          seed: 1,
          status: "done",
          git_commit: HEAD,
          duration_hours: 2,
        },
        {
          id: "full-a_s2",
          exp_id: "full-a",
          phase: "full",
          method: "a",
          dataset: "d",
          seed: 2,
          status: "done",
          git_commit: HEAD,
          duration_hours: 1.5,
        },
      ],
    };
    const scope = servePolicy(withToken(nock(API)), config)
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
      .times(2)
      .reply(
        200,
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: encodeApproval(approvalRecord()),
          }),
        ]),
      )
      .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
      .query(DISPATCH_RUNS_QUERY)
      .reply(200, { total_count: 0, workflow_runs: [] })
      .get(`${R}/pulls/2`)
      .reply(200, pr)
      .post("/graphql")
      .reply(200, (_uri, body: any) => {
        const repository: Record<string, unknown> = {};
        for (const m of (body.query as string).matchAll(/(f\d+): object\(expression: "([^"]+)"\)/g))
          repository[m[1] as string] = (m[2] as string).endsWith("dispatch/state.json")
            ? { text: JSON.stringify(state), byteSize: 10, isBinary: false }
            : null;
        return { data: { repository } };
      })
      .get(`${R}/commits/${RESULTS_HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
      .reply(
        200,
        checkRunsReply([
          onHead(
            601,
            approvalRecord({ by: "Codertocat", budget_gpu_hours: 40, budget_from: "approver" }),
          ),
          onHead(600, approvalRecord()),
        ]),
      )
      .patch(/\/check-runs\/(500|600|601)$/, (b) => patched.push(b) > 0)
      .times(3)
      .reply(200, {});
    await app.receive("workflow_run", p);
    scope.done();
    expect(patched).toHaveLength(3);
    for (const b of patched) {
      expect(b).toMatchObject({ status: "completed", conclusion: "success" });
      expect(b.output.summary).toContain("GPU-hours measured: 3.5 of the approved budget of 40.");
    }
  });
});
