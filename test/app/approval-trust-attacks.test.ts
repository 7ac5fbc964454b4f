import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gatesRunTitle } from "../../src/app/dry-run/gates-run-title.js";
import {
  decodeApproval,
  encodeApproval,
  encodeCodeReviewState,
} from "../../src/github/check-run-protocol.js";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { serveGatesDispatch } from "./dry-run-helpers.js";
import {
  API,
  BASE_REF,
  BEFORE,
  COMMENTED_AT,
  checkRun,
  checkRunsReply,
  DISPATCH_RUNS_QUERY,
  dispatchRun,
  exampleFiles,
  GREEN_CHECKS,
  HEAD,
  markedApproved,
  nock,
  prCommentEvent,
  pullRequestEvent,
  pullRequestResource,
  R,
  serveActivity,
  serveFiles,
  serveOwnChecks,
  servePolicy,
  testApp,
  withToken,
} from "./harness.js";
import { serveDefinitions } from "./serve-definitions.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

/**
 * No comment on PR #2 since the approving one (the `/cancel` check before a dispatch): every
 * delivery of the test asks, with `since` = the comment's own time.
 */
function noCommentsSince() {
  return nock(API)
    .persist()
    .get(`${R}/issues/2/comments`)
    .query({ since: COMMENTED_AT, per_page: "100" })
    .reply(200, []);
}

const config = exampleFiles()[".github/labgate.yml"] as string;
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Token, the PR, the default branch's policy, an admin's permission. */
function authorized(pr = pullRequestResource()) {
  return servePolicy(withToken(nock(API)).get(`${R}/pulls/2`).reply(200, pr), config)
    .get(`${R}/collaborators/Codertocat/permission`)
    .reply(200, { permission: "admin", role_name: "admin" });
}

function reply(scope: nock.Scope, reaction: string, replies: string[]) {
  return scope
    .post(`${R}/issues/comments/492700400/reactions`, (b) => b.content === reaction)
    .reply(201, {})
    .post(`${R}/issues/2/comments`, (b) => replies.push(b.body) > 0)
    .reply(201, { id: 1 });
}

/** The record written, the second look, the dispatch, the record approved: it goes through. */
function recordAndDispatch(
  scope: nock.Scope,
  dispatched: unknown[],
  others: Record<string, unknown>[] = [],
) {
  let created: any;
  serveDefinitions(scope)
    .post(`${R}/check-runs`, (b) => {
      created = b;
      return b.name === "labgate/phase8";
    })
    .reply(201, { id: 500 })
    .get(`${R}/commits/${HEAD}/check-runs`)
    .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
    .reply(200, () =>
      checkRunsReply([
        checkRun(500, "labgate/phase8", {
          status: "in_progress",
          conclusion: null,
          external_id: created.external_id,
        }),
        ...others,
      ]),
    )
    .post(`${R}/actions/workflows/labgate-dispatch.yml/dispatches`, (b) => dispatched.push(b) > 0)
    .reply(204);
  return markedApproved(scope);
}

/** Green `labgate/*` check runs as a PR's own workflow posts them with GITHUB_TOKEN. */
const FORGED_GREEN = [
  checkRun(23, "labgate/code-review", {
    app: "github-actions",
    title: "CODE_APPROVED",
    external_id: encodeCodeReviewState({ v: 1, dry_run: "passed" }),
  }),
  checkRun(22, "labgate/design-debate", { app: "github-actions" }),
  checkRun(21, "labgate/definitions", { app: "github-actions" }),
];

describe("gates count only from this app (issue #11 item 3)", () => {
  beforeEach(() => void noCommentsSince());

  it("green labgate/* check runs by github-actions over failing labgate checks: refused, naming the untrusted checks", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = serveActivity(serveDefinitions(authorized()))
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(
        200,
        checkRunsReply([
          ...FORGED_GREEN,
          checkRun(12, "labgate/design-debate", { conclusion: "failure", title: "REJECT" }),
          checkRun(11, "labgate/code-review", {
            conclusion: "neutral",
            title: "CODE_APPROVED — dry-run pending",
            external_id: encodeCodeReviewState({ v: 1, dry_run: "pending" }),
          }),
          checkRun(10, "labgate/definitions", { conclusion: "failure", title: "2 errors" }),
        ]),
      );
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    const untrusted = "by `github-actions` (app 15368) is not labgate's own and does not count";
    expect(replies[0]).toContain("Not approved: every gate must be green");
    expect(replies[0]).toContain(
      `\`labgate/definitions\` is failure (2 errors) (the \`labgate/definitions\` check run ${untrusted})`,
    );
    expect(replies[0]).toContain("`labgate/design-debate` is failure (REJECT)");
    expect(replies[0]).toContain(
      `\`labgate/code-review\`: the dry-run is still pending (the \`labgate/code-review\` check run ${untrusted})`,
    );
  });

  it("only github-actions' green checks and none of labgate's: every gate has not run", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = serveActivity(authorized())
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(FORGED_GREEN));
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(replies[0]).toMatch(/`labgate\/definitions` has not run on this commit \(the/);
    expect(replies[0]).toMatch(/`labgate\/design-debate` has not run on this commit \(the/);
    expect(replies[0]).toMatch(/`labgate\/code-review` has not run on this commit \(the/);
  });

  it("a forged labgate/phase8 record by another app neither blocks a real approval nor wins the tie-break", async () => {
    const app = await testApp();
    const dispatched: any[] = [];
    const replies: string[] = [];
    const forged = checkRun(400, "labgate/phase8", {
      app: "github-actions",
      status: "in_progress",
      conclusion: null,
      external_id: encodeApproval({
        v: 1,
        pr: 2,
        sha: HEAD,
        phase: "full",
        by: "mallory",
        at: "t0",
        state: "approved",
      }),
    });
    const scope = serveActivity(authorized())
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply([forged, ...GREEN_CHECKS]));
    recordAndDispatch(scope, dispatched, [forged]);
    reply(scope, "rocket", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(replies[0]).toMatch(/^@Codertocat Approved by @Codertocat/);
    expect(dispatched).toEqual([{ ref: BASE_REF, inputs: { pr: "2", sha: HEAD, phase: "full" } }]);
  });

  it("101 check runs on the commit, labgate's own on page 2: all pages are read and the approval goes through", async () => {
    const app = await testApp();
    const dispatched: any[] = [];
    const noise = Array.from({ length: 100 }, (_, i) =>
      checkRun(1000 + i, `lint/${i}`, { app: "github-actions" }),
    );
    const path = `${R}/commits/${HEAD}/check-runs`;
    const scope = serveActivity(authorized())
      .get(path)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(noise), {
        link: `<${API}${path}?filter=all&per_page=100&page=2>; rel="next", <${API}${path}?filter=all&per_page=100&page=2>; rel="last"`,
      })
      .get(path)
      .query({ filter: "all", per_page: "100", page: "2" })
      .reply(200, checkRunsReply(GREEN_CHECKS));
    recordAndDispatch(scope, dispatched);
    reply(scope, "rocket", []);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(dispatched).toHaveLength(1);
  });
});

describe("a forged record is never laundered through a push", () => {
  it("a labgate/phase8 record by github-actions on `before`, then a results-only push: labgate carries nothing to the new head", async () => {
    const gates = (await reviewGates({ workspace: diskWorkspace(ROOT), dryRun: "skip" })).verdicts
      .filter((v) => v.gate !== "pilot")
      .map((v) => v.gate);
    const app = await testApp();
    const posted: any[] = [];
    let dashboard = "";
    const scope = withToken(nock(API));
    serveGatesDispatch(scope);
    serveFiles(scope, exampleFiles(), 2);
    serveOwnChecks(scope);
    scope
      .post(`${R}/check-runs`, (b) => posted.push(b) > 0)
      .times(gates.length)
      .reply(201, { id: 1 })
      .get(`${R}/commits/${BEFORE}/check-runs`)
      .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
      .reply(
        200,
        checkRunsReply([
          checkRun(400, "labgate/phase8", {
            app: "github-actions",
            status: "in_progress",
            conclusion: null,
            external_id: encodeApproval({
              v: 1,
              pr: 2,
              sha: BEFORE,
              phase: "full",
              by: "mallory",
              at: "t0",
              state: "approved",
            }),
          }),
        ]),
      )
      .get(`${R}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`${R}/issues/2/comments`, (b) => {
        dashboard = b.body;
        return true;
      })
      .reply(201, { id: 10 });
    await app.receive("pull_request", pullRequestEvent("synchronize"));
    scope.done();
    expect(posted.map((b) => b.name)).not.toContain("labgate/phase8");
    expect(dashboard).not.toContain("mallory");
  });
});

const API_RUN_URL = "https://github.com/Codertocat/Hello-World/actions/runs";

/**
 * The gates workflow's runs as the API lists them: a run of another PR, a run of the PR branch's
 * own copy, a cancelled one, then labgate's dispatch for PR #2 at HEAD whose dry-run job ended
 * `conclusion`.
 */
function serveGatesRuns(scope: nock.Scope, conclusion: string) {
  const run = (id: number, pr: number, branch = BASE_REF) => ({
    ...dispatchRun(id, { branch, title: gatesRunTitle({ pr, sha: HEAD }) }),
    html_url: `${API_RUN_URL}/${id}`,
  });
  const jobs = (c: string) => ({
    total_count: 1,
    jobs: [{ id: 1, name: "dry-run", status: "completed", conclusion: c, html_url: "j" }],
  });
  return scope
    .get(`${R}/actions/workflows/labgate-gates.yml/runs`)
    .query(DISPATCH_RUNS_QUERY)
    .reply(200, {
      total_count: 4,
      workflow_runs: [run(58, 3), run(57, 2, "changes"), run(56, 2), run(55, 2)],
    })
    .get(`${R}/actions/runs/56/jobs`)
    .query({ filter: "latest", per_page: "100" })
    .reply(200, jobs("cancelled"))
    .get(`${R}/actions/runs/55/jobs`)
    .query({ filter: "latest", per_page: "100" })
    .reply(200, jobs(conclusion));
}

describe("Actions mode: no check run can be told apart by its author", () => {
  beforeEach(() => void noCommentsSince());

  it("github-actions' green checks over broken definitions: the gates are recomputed from the files and the approval refused", async () => {
    const app = await testApp({ trust: { app_id: null } });
    const replies: string[] = [];
    const files = {
      ...exampleFiles(),
      "experiments/definitions.json": '{ "version": 1, "project": 7 }',
    };
    const scope = serveActivity(authorized())
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(FORGED_GREEN));
    // The gates' recompute (2 batches), then the campaign's estimate for the refusal.
    serveFiles(scope, files, 3);
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(replies[0]).toContain("Not approved: every gate must be green");
    expect(replies[0]).toMatch(
      /`labgate\/definitions` is failure \(INVALID: .+\), recomputed from the files at this commit/,
    );
  });

  it("a forged passing dry-run report while the gates workflow's dry-run job failed: refused, from the run itself", async () => {
    const app = await testApp({ trust: { app_id: null } });
    const replies: string[] = [];
    const scope = serveActivity(authorized())
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(FORGED_GREEN));
    serveFiles(scope, exampleFiles(), 2);
    serveGatesRuns(scope, "failure");
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(replies[0]).toBe(
      `@Codertocat Not approved: every gate must be green on the head commit \`${HEAD.slice(0, 7)}\` first.\n\n- \`labgate/code-review\`: the dry-run failed (job \`dry-run\` of [gates run 55](${API_RUN_URL}/55) ended \`failure\`)`,
    );
  });

  it("the example campaign at the commit and the gates workflow's dry-run job passed: approved and dispatched from the default branch", async () => {
    const app = await testApp({ trust: { app_id: null } });
    const dispatched: any[] = [];
    const scope = serveActivity(authorized())
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(FORGED_GREEN));
    // The gates' recompute (2 batches), then the campaign's estimate against the budget.
    serveFiles(scope, exampleFiles(), 3);
    serveGatesRuns(scope, "success");
    let created: any;
    scope
      .post(`${R}/check-runs`, (b) => {
        created = b;
        return b.name === "labgate/phase8";
      })
      .reply(201, { id: 500 })
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
      .reply(200, () =>
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            app: "github-actions",
            status: "in_progress",
            conclusion: null,
            external_id: created.external_id,
          }),
        ]),
      )
      .post(`${R}/actions/workflows/labgate-dispatch.yml/dispatches`, (b) => dispatched.push(b) > 0)
      .reply(204);
    markedApproved(scope);
    reply(scope, "rocket", []);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(dispatched).toEqual([{ ref: BASE_REF, inputs: { pr: "2", sha: HEAD, phase: "full" } }]);
  });
});

describe("the approval is of what the approver saw (issue #11 item 5)", () => {
  beforeEach(() => void noCommentsSince());

  it("the head moved after the comment was written: refused, naming both commits; nothing read or dispatched", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = serveActivity(authorized(), [
      { after: HEAD, timestamp: "2019-05-15T15:20:51Z" },
      { after: BEFORE, timestamp: "2019-05-15T15:10:00Z" },
    ]);
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(replies[0]).toBe(
      `@Codertocat Not approved: the head moved after your comment. When you wrote it (2019-05-15T15:20:21Z) the head was \`${BEFORE}\`; it is \`${HEAD}\` now. Review the new commits and comment \`/approve-phase8\` again (or \`/approve-phase8 ${HEAD}\`).`,
    );
  });

  it("a force-push back to an ancestor after the comment counts as a move", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const pr = pullRequestResource();
    pr.head.sha = BEFORE;
    const scope = serveActivity(authorized(pr), [
      { after: BEFORE, timestamp: "2019-05-15T15:21:00Z", activity_type: "force_push" },
      { after: HEAD, timestamp: "2019-05-15T15:19:00Z" },
    ]);
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(replies[0]).toContain(`the head was \`${HEAD}\`; it is \`${BEFORE}\` now`);
  });

  it("no push is known from before the comment: refused, asking for the SHA", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = serveActivity(authorized(), []);
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(replies[0]).toContain(
      "Not approved: labgate cannot tell which commit you saw when you wrote this comment (GitHub lists no push to `changes` at or before 2019-05-15T15:20:21Z)",
    );
    expect(replies[0]).toContain(`comment \`/approve-phase8 ${HEAD}\` if \`${HEAD}\``);
  });

  it("/approve-phase8 <sha> naming the head approves it, whatever was pushed around the comment", async () => {
    const app = await testApp();
    const dispatched: any[] = [];
    const replies: string[] = [];
    const scope = authorized()
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(GREEN_CHECKS));
    recordAndDispatch(scope, dispatched);
    reply(scope, "rocket", replies);
    await app.receive("issue_comment", prCommentEvent(`/approve-phase8 ${HEAD}`));
    scope.done();
    expect(dispatched).toEqual([{ ref: BASE_REF, inputs: { pr: "2", sha: HEAD, phase: "full" } }]);
  });

  it("/approve-phase8 <7-digit prefix>: refused, quoting the full head (a twin commit shares the prefix)", async () => {
    // The attacker birthday-searches two commits sharing a 7-digit prefix, shows the benign one
    // and force-pushes its twin before the reviewer's `/approve-phase8 <prefix>` arrives: the
    // prefix matches the twin, so it must approve nothing. No record, no dispatch.
    const app = await testApp();
    const replies: string[] = [];
    const scope = authorized();
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent(`/approve-phase8 ${HEAD.slice(0, 7)}`));
    scope.done();
    expect(replies).toEqual([
      `@Codertocat Not approved: \`${HEAD.slice(0, 7)}\` is an abbreviated SHA, and it pins no commit: two commits sharing a 7-digit prefix are made in about a second, so the head could be swapped for a twin you never reviewed. Name the full 40-digit SHA: if \`${HEAD}\` (the head now) is the commit you reviewed, comment \`/approve-phase8 ${HEAD}\`.`,
    ]);
  });

  it("the record names the approving comment, for the dispatch plan step to verify", async () => {
    const app = await testApp();
    const bodies: any[] = [];
    const scope = serveActivity(serveDefinitions(authorized()))
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(GREEN_CHECKS))
      .post(`${R}/check-runs`, (b) => bodies.push(b) > 0)
      .reply(201, { id: 500 })
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
      .reply(200, () =>
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: bodies[0].external_id,
          }),
        ]),
      )
      .post(`${R}/actions/workflows/labgate-dispatch.yml/dispatches`)
      .reply(204);
    const marked: any[] = [];
    markedApproved(scope, 500, marked);
    reply(scope, "rocket", []);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(decodeApproval(bodies[0].external_id)).toEqual({
      v: 1,
      pr: 2,
      sha: HEAD,
      phase: "full",
      by: "Codertocat",
      at: "2026-05-01T12:00:00.000Z",
      state: "dispatching",
      comment_id: 492700400,
      // The example definitions' budget.gpu_hours, recorded with the approval.
      budget_gpu_hours: 12,
      budget_from: "definitions",
    });
    // Once dispatched, the same record as `approved`.
    expect(decodeApproval(marked[0].external_id)).toEqual({
      ...decodeApproval(bodies[0].external_id),
      state: "approved",
    });
  });

  it("/approve-phase8 <sha> naming another commit: refused with both SHAs", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = authorized();
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent(`/approve-phase8 ${BEFORE}`));
    scope.done();
    expect(replies[0]).toBe(
      `@Codertocat Not approved: you named \`${BEFORE}\`, but the head of this PR is \`${HEAD}\`. Review the head and comment \`/approve-phase8 ${HEAD}\` to approve it.`,
    );
  });
});

describe("a missed /cancel replayed before its /approve-phase8", () => {
  // The durable inbox fetched both missed deliveries back; the /cancel (written after the
  // approval) was handled first, when there was nothing yet to cancel. The approval must not
  // dispatch now.
  const cancel = (user: string, at: string, id: number) => ({
    id,
    body: "Wrong dataset, stop.\n/cancel",
    user: { login: user },
    created_at: at,
    updated_at: at,
  });

  it("a /cancel by a writer newer than the approving comment: no record, no dispatch, the reply says who cancelled", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = authorized()
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(GREEN_CHECKS))
      .get(`${R}/issues/2/comments`)
      .query({ since: COMMENTED_AT, per_page: "100" })
      .reply(200, [
        // listed by `since` (updated_at) but written before the approval: not after it
        cancel("octocat", "2019-05-15T15:00:00Z", 700),
        cancel("octocat", "2019-05-15T15:30:00Z", 701),
      ])
      .get(`${R}/collaborators/octocat/permission`)
      .reply(200, { permission: "write", role_name: "write" });
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent(`/approve-phase8 ${HEAD}`));
    scope.done(); // and no POST /check-runs, no dispatch: nock refuses any unplanned request
    expect(replies).toEqual([
      `@Codertocat Not approved: @octocat cancelled it with \`/cancel\` (comment 701, at 2019-05-15T15:30:00Z) after your approval, so labgate dispatches nothing. Comment \`/approve-phase8 ${HEAD}\` again to approve.`,
    ]);
  });

  it("a /cancel by a read-only user closes nothing: the approval dispatches", async () => {
    const app = await testApp();
    const dispatched: unknown[] = [];
    const scope = authorized()
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(GREEN_CHECKS))
      .get(`${R}/issues/2/comments`)
      .query({ since: COMMENTED_AT, per_page: "100" })
      .reply(200, [cancel("bob", "2019-05-15T15:30:00Z", 701)])
      .get(`${R}/collaborators/bob/permission`)
      .reply(200, { permission: "read", role_name: "read" });
    recordAndDispatch(scope, dispatched);
    reply(scope, "rocket", []);
    await app.receive("issue_comment", prCommentEvent(`/approve-phase8 ${HEAD}`));
    scope.done();
    expect(dispatched).toEqual([{ ref: BASE_REF, inputs: { pr: "2", sha: HEAD, phase: "full" } }]);
  });

  it("more comments since the approval than labgate reads: it cannot tell, so it refuses", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const page = (from: number) =>
      Array.from({ length: 100 }, (_, i) => ({
        id: from + i,
        body: "+1",
        user: { login: "someone" },
        created_at: "2019-05-15T15:30:00Z",
      }));
    const scope = authorized()
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(GREEN_CHECKS));
    for (let p = 0; p < 6; p++)
      scope
        .get(`${R}/issues/2/comments`)
        .query(p === 0 ? { since: COMMENTED_AT, per_page: "100" } : true)
        .reply(200, page(1000 + p * 100), {
          Link: `<${API}${R}/issues/2/comments?since=${COMMENTED_AT}&per_page=100&page=${p + 2}>; rel="next"`,
        });
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent(`/approve-phase8 ${HEAD}`));
    scope.done();
    expect(replies[0]).toBe(
      `@Codertocat Not approved: this PR has more than 500 comments since your approval, more than labgate reads, so it cannot tell whether someone cancelled it with \`/cancel\`. Comment \`/approve-phase8 ${HEAD}\` again to approve.`,
    );
  });
});

describe("policy comes from the default branch (issue #11 item 2, app side)", () => {
  it("a PR based on a branch whose labgate.yml lists the attacker as approver: the attacker is refused", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const pr = pullRequestResource({ author: "mallory" });
    pr.base.ref = "mallory-base"; // its labgate.yml says `approvers: { users: [mallory] }`
    const scope = servePolicy(withToken(nock(API)).get(`${R}/pulls/2`).reply(200, pr), config)
      .get(`${R}/collaborators/mallory/permission`)
      .reply(200, { permission: "read", role_name: "read" });
    scope
      .post(`${R}/issues/comments/492700400/reactions`, (b) => b.content === "-1")
      .reply(201, {})
      .post(`${R}/issues/2/comments`, (b) => replies.push(b.body) > 0)
      .reply(201, { id: 1 });
    await app.receive("issue_comment", prCommentEvent("/approve-phase8", { login: "mallory" }));
    scope.done();
    expect(replies[0]).toMatch(
      /^@mallory Not approved: @mallory has read permission; this needs write, maintain or admin, or being a configured approver/,
    );
  });
});

describe("commands the reader does not see (issue #11 item 6)", () => {
  it("an /approve-phase8 inside an HTML comment or a <details> block makes no request at all", async () => {
    const app = await testApp();
    await app.receive(
      "issue_comment",
      prCommentEvent(
        "Looks fine to me.\n<!--\n/approve-phase8\n-->\n<details><summary>log</summary>\n\n/approve-phase8\n</details>",
      ),
    );
    expect(nock.pendingMocks()).toEqual([]);
    expect(app.errors).toEqual([]);
  });
});
