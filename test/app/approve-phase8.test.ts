import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  decodeApproval,
  encodeApproval,
  encodeCodeReviewState,
} from "../../src/github/check-run-protocol.js";
import {
  API,
  BASE_REF,
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
  pullRequestResource,
  R,
  serveActivity,
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

/** Everything up to the permission answer: token, the PR, the default branch's config. */
function upToPermission(opts: { fork?: boolean; author?: string; configText?: string } = {}) {
  return servePolicy(
    withToken(nock(API)).get(`${R}/pulls/2`).reply(200, pullRequestResource(opts)),
    opts.configText ?? config,
  );
}

function expectReply(scope: nock.Scope, reaction: string, match: RegExp, replies: string[]) {
  return scope
    .post(`${R}/issues/comments/492700400/reactions`, (b) => b.content === reaction)
    .reply(201, {})
    .post(`${R}/issues/2/comments`, (b) => {
      replies.push(b.body);
      return match.test(b.body);
    })
    .reply(201, { id: 1 });
}

/**
 * A successful approval: checks listed green, record written as `dispatching`, re-checked,
 * dispatched, then the record marked `approved`.
 */
function approvalFlow(
  scope: nock.Scope,
  dispatched: unknown[],
  recordIds: number[] = [500],
  earlier: Record<string, unknown>[] = [],
) {
  let created: any;
  serveDefinitions(scope);
  return serveActivity(scope)
    .get(`${R}/commits/${HEAD}/check-runs`)
    .query({ filter: "all", per_page: "100" })
    .reply(200, checkRunsReply([...earlier, ...GREEN_CHECKS]))
    .post(`${R}/check-runs`, (b) => {
      created = b;
      return (
        b.name === "labgate/phase8" &&
        b.status === "in_progress" &&
        b.head_sha === HEAD &&
        decodeApproval(b.external_id)?.state === "dispatching"
      );
    })
    .reply(201, { id: recordIds[0] })
    .get(`${R}/commits/${HEAD}/check-runs`)
    .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
    .reply(200, () =>
      checkRunsReply([
        ...earlier.filter((c: any) => c.name === "labgate/phase8"),
        ...recordIds.map((id) =>
          checkRun(id, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: created.external_id,
          }),
        ),
      ]),
    )
    .post(`${R}/actions/workflows/labgate-dispatch.yml/dispatches`, (b) => {
      dispatched.push(b);
      return true;
    })
    .reply(204)
    .patch(`${R}/check-runs/${recordIds[0]}`, (b) => {
      const record = decodeApproval(b.external_id);
      return (
        b.status === "in_progress" &&
        b.output.title.endsWith("— dispatched") &&
        record?.state === "approved" &&
        record.sha === HEAD &&
        decodeApproval(created.external_id)?.at === record.at
      );
    })
    .reply(200, {});
}

describe("/approve-phase8 permission matrix", () => {
  beforeEach(() => void noCommentsSince());

  for (const role of ["admin", "maintain", "write"]) {
    it(`${role}: records the approval on labgate/phase8 and dispatches the head SHA`, async () => {
      const app = await testApp();
      const dispatched: any[] = [];
      const replies: string[] = [];
      const scope = upToPermission()
        .get(`${R}/collaborators/Codertocat/permission`)
        .reply(200, { permission: role === "maintain" ? "write" : role, role_name: role });
      approvalFlow(scope, dispatched);
      expectReply(scope, "rocket", /Approved by @Codertocat/, replies);
      await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
      scope.done();
      expect(dispatched).toEqual([
        { ref: BASE_REF, inputs: { pr: "2", sha: HEAD, phase: "full" } },
      ]);
      expect(replies[0]).toContain(`${role} permission`);
    });
  }

  const refusals: [string, number, object, RegExp][] = [
    ["triage", 200, { permission: "read", role_name: "triage" }, /has triage permission/],
    ["read", 200, { permission: "read", role_name: "read" }, /has read permission/],
    ["none", 200, { permission: "none", role_name: "none" }, /has none permission/],
    ["404", 404, { message: "Not Found" }, /not a collaborator .*HTTP 404.*refuses/],
    ["500", 500, { message: "boom" }, /HTTP 500.*cannot verify the permission and refuses/],
  ];
  for (const [label, status, body, why] of refusals) {
    it(`${label}: refused with the reason, nothing dispatched`, async () => {
      const app = await testApp();
      const replies: string[] = [];
      const scope = upToPermission()
        .get(`${R}/collaborators/Codertocat/permission`)
        .reply(status, body);
      expectReply(scope, "-1", /Not approved/, replies);
      await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
      scope.done();
      expect(replies[0]).toMatch(why);
    });
  }

  it("after /cancel closed the approval of this head, a new /approve-phase8 of it dispatches again", async () => {
    const app = await testApp();
    const dispatched: any[] = [];
    const replies: string[] = [];
    const approved = { v: 1, pr: 2, sha: HEAD, phase: "full", by: "octocat", at: "t" } as const;
    const scope = upToPermission()
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "admin", role_name: "admin" });
    approvalFlow(
      scope,
      dispatched,
      [500],
      [
        checkRun(401, "labgate/phase8", {
          external_id: encodeApproval({ ...approved, state: "cancelled" }),
        }),
        checkRun(400, "labgate/phase8", {
          external_id: encodeApproval({ ...approved, state: "approved" }),
        }),
      ],
    );
    expectReply(scope, "rocket", /Approved by @Codertocat/, replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(dispatched).toEqual([{ ref: BASE_REF, inputs: { pr: "2", sha: HEAD, phase: "full" } }]);
  });

  it("a configured approver without write access may approve", async () => {
    const app = await testApp();
    const dispatched: any[] = [];
    const replies: string[] = [];
    const scope = upToPermission({
      configText: `${config}\napprovers:\n  users: [codertocat]\n`.replace(
        /^approvers:\n {2}users: \[\]\n {2}teams: \[\]\n {2}require_other_approver: false\n/m,
        "",
      ),
    })
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "read", role_name: "read" });
    approvalFlow(scope, dispatched);
    expectReply(scope, "rocket", /approvers list/, replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(dispatched).toHaveLength(1);
  });

  it("a bot's comment is ignored without a single request", async () => {
    nock.cleanAll(); // not even the comment listing of this block's beforeEach
    const app = await testApp();
    await app.receive(
      "issue_comment",
      prCommentEvent("/approve-phase8", { login: "labgate[bot]", type: "Bot" }),
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  for (const action of ["edited", "deleted"]) {
    it(`an ${action} comment approves nothing and makes no request`, async () => {
      const app = await testApp();
      const payload = prCommentEvent("/approve-phase8", { action });
      await app.receive("issue_comment", payload);
      expect(payload.action).toBe(action);
    });
  }

  it("self-approval is refused when require_other_approver is set", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = upToPermission({
      author: "Codertocat",
      configText: config.replace("require_other_approver: false", "require_other_approver: true"),
    })
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "admin", role_name: "admin" });
    expectReply(scope, "-1", /opened this PR.*require_other_approver/, replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
  });

  it("self-approval is allowed by default", async () => {
    const app = await testApp();
    const dispatched: any[] = [];
    const scope = upToPermission({ author: "Codertocat" })
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "write", role_name: "write" });
    approvalFlow(scope, dispatched);
    expectReply(scope, "rocket", /Approved/, []);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(dispatched).toHaveLength(1);
  });

  it("a fork PR is never dispatched, whoever approves", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = upToPermission({ fork: true });
    expectReply(scope, "-1", /fork.*never dispatches/, replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
  });

  it("refuses while a gate is not green on the head SHA, and lists why", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = serveActivity(
      serveDefinitions(
        upToPermission()
          .get(`${R}/collaborators/Codertocat/permission`)
          .reply(200, { permission: "admin", role_name: "admin" }),
      ),
    )
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(
        200,
        checkRunsReply([
          checkRun(12, "labgate/design-debate", {
            conclusion: "failure",
            title: "REJECT — over budget",
          }),
          checkRun(11, "labgate/code-review", {
            conclusion: "neutral",
            title: "CODE_APPROVED — dry-run pending",
            external_id: encodeCodeReviewState({ v: 1, dry_run: "pending" }),
          }),
          checkRun(10, "labgate/definitions"),
        ]),
      );
    expectReply(scope, "-1", /every gate must be green/, replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(replies[0]).toContain("`labgate/design-debate` is failure (REJECT — over budget)");
    expect(replies[0]).toContain("`labgate/code-review`: the dry-run is still pending");
  });
});

describe("/approve-phase8 idempotency", () => {
  beforeEach(() => void noCommentsSince());

  it("the same delivery twice starts one dispatch", async () => {
    const app = await testApp();
    const dispatched: any[] = [];
    const scope = upToPermission()
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "admin", role_name: "admin" });
    approvalFlow(scope, dispatched);
    expectReply(scope, "rocket", /Approved/, []);
    // The redelivery finds the record on labgate/phase8 and stands down.
    const record = encodeApproval({
      v: 1,
      pr: 2,
      sha: HEAD,
      phase: "full",
      by: "Codertocat",
      at: "t",
      state: "approved",
    });
    serveActivity(
      servePolicy(scope.get(`${R}/pulls/2`).reply(200, pullRequestResource()), config)
        .get(`${R}/collaborators/Codertocat/permission`)
        .reply(200, { permission: "admin", role_name: "admin" }),
    )
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(
        200,
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: record,
          }),
          ...GREEN_CHECKS,
        ]),
      );
    const replies: string[] = [];
    expectReply(scope, "eyes", /Already approved by @Codertocat/, replies);
    const payload = prCommentEvent("/approve-phase8");
    await app.receive("issue_comment", payload, "same-id");
    await app.receive("issue_comment", payload, "same-id");
    scope.done();
    expect(dispatched).toHaveLength(1);
  });

  it("two concurrent approvals: the younger record stands down and only one dispatch starts", async () => {
    const app = await testApp();
    const dispatched: any[] = [];
    const scope = upToPermission()
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "admin", role_name: "admin" });
    // Another server wrote record 400 between our look and our write: ours (501) is younger.
    let ours: any;
    const theirs = encodeApproval({
      v: 1,
      pr: 2,
      sha: HEAD,
      phase: "full",
      by: "octocat",
      at: "t0",
      state: "approved",
    });
    serveActivity(serveDefinitions(scope))
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(GREEN_CHECKS))
      .post(`${R}/check-runs`, (b) => {
        ours = b;
        return b.name === "labgate/phase8";
      })
      .reply(201, { id: 501 })
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
      .reply(200, () =>
        checkRunsReply([
          checkRun(501, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: ours.external_id,
          }),
          checkRun(400, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: theirs,
          }),
        ]),
      )
      .patch(
        `${R}/check-runs/501`,
        (b) => b.conclusion === "skipped" && decodeApproval(b.external_id)?.state === "cancelled",
      )
      .reply(200, {});
    expectReply(scope, "eyes", /Already approved by @octocat/, []);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(dispatched).toEqual([]);
  });

  it("two approval comments delivered at once are serialized in-process: one dispatch", async () => {
    const app = await testApp();
    const dispatched: any[] = [];
    const scope = upToPermission()
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "admin", role_name: "admin" });
    approvalFlow(scope, dispatched);
    expectReply(scope, "rocket", /Approved/, []);
    const record = encodeApproval({
      v: 1,
      pr: 2,
      sha: HEAD,
      phase: "full",
      by: "Codertocat",
      at: "t",
      state: "approved",
    });
    serveActivity(
      servePolicy(scope.get(`${R}/pulls/2`).reply(200, pullRequestResource()), config)
        .get(`${R}/collaborators/Codertocat/permission`)
        .reply(200, { permission: "admin", role_name: "admin" }),
    )
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(
        200,
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: record,
          }),
        ]),
      );
    expectReply(scope, "eyes", /Already approved/, []);
    await Promise.all([
      app.probot.receive({
        id: "a",
        name: "issue_comment",
        payload: prCommentEvent("/approve-phase8"),
      } as never),
      app.probot.receive({
        id: "b",
        name: "issue_comment",
        payload: prCommentEvent("/approve-phase8"),
      } as never),
    ]);
    await app.queue.idle();
    expect(app.errors).toEqual([]);
    scope.done();
    expect(dispatched).toHaveLength(1);
  });

  /** A labgate/phase8 record by this app left `dispatching` (a process died around its dispatch). */
  const dispatching = () =>
    checkRun(500, "labgate/phase8", {
      status: "in_progress",
      conclusion: null,
      external_id: encodeApproval({
        v: 1,
        pr: 2,
        sha: HEAD,
        phase: "full",
        by: "octocat",
        at: "t0",
        state: "dispatching",
        comment_id: 7,
      }),
    });

  /** A second `/approve-phase8` up to the dispatch runs' listing, finding that record. */
  function secondApproval() {
    return serveActivity(
      upToPermission()
        .get(`${R}/collaborators/Codertocat/permission`)
        .reply(200, { permission: "admin", role_name: "admin" }),
    )
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply([dispatching(), ...GREEN_CHECKS]))
      .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
      .query(DISPATCH_RUNS_QUERY);
  }

  it("a second approval finds a dispatching record and its dispatch run (pilot runs aside): marks it approved, dispatches nothing", async () => {
    const app = await testApp();
    const patched: any[] = [];
    const pilot = dispatchRun(78, { status: "completed", conclusion: "success" });
    pilot.display_title = pilot.display_title.replace("(full,", "(pilot,");
    const scope = secondApproval().reply(200, {
      total_count: 2,
      workflow_runs: [pilot, dispatchRun(77, { status: "queued", conclusion: null })],
    });
    markedApproved(scope, 500, patched);
    const replies: string[] = [];
    expectReply(scope, "rocket", /its dispatch had started/, replies);
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(decodeApproval(patched[0].external_id)).toEqual({
      ...decodeApproval(dispatching().external_id),
      state: "approved",
    });
    expect(patched[0].details_url).toBe(
      `https://github.com/Codertocat/Hello-World/actions/runs/77`,
    );
    expect(replies[0]).toBe(
      `@Codertocat Approved by @octocat for \`${HEAD.slice(0, 7)}\`: its dispatch had started ([run](https://github.com/Codertocat/Hello-World/actions/runs/77)); labgate recorded it and starts no second one. \`labgate/phase8\` follows its progress.`,
    );
  });

  it("a dispatching record, and no dispatch workflow on the default branch: the dispatch it retries fails the record and says how to fix it", async () => {
    const app = await testApp();
    const scope = secondApproval()
      .reply(404, { message: "Not Found" })
      .post(`${R}/actions/workflows/labgate-dispatch.yml/dispatches`)
      .reply(404, { message: "Not Found" })
      .patch(
        `${R}/check-runs/500`,
        (b) =>
          b.conclusion === "failure" && decodeApproval(b.external_id)?.state === "dispatch-failed",
      )
      .reply(200, {});
    expectReply(
      scope,
      "confused",
      /dispatch failed: the workflow `labgate-dispatch.yml` was not found on the default branch `master`/,
      [],
    );
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
  });

  it("a failed dispatch marks the record failed and says why", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = serveActivity(
      serveDefinitions(
        upToPermission()
          .get(`${R}/collaborators/Codertocat/permission`)
          .reply(200, { permission: "admin", role_name: "admin" }),
      ),
    )
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(200, checkRunsReply(GREEN_CHECKS))
      .post(`${R}/check-runs`)
      .reply(201, { id: 500 })
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, checkRunsReply([]))
      .post(`${R}/actions/workflows/labgate-dispatch.yml/dispatches`)
      .reply(404, { message: "Not Found" })
      .patch(
        `${R}/check-runs/500`,
        (b) =>
          b.conclusion === "failure" && decodeApproval(b.external_id)?.state === "dispatch-failed",
      )
      .reply(200, {});
    expectReply(
      scope,
      "confused",
      /dispatch failed: the workflow `labgate-dispatch.yml` was not found on the default branch `master`/,
      replies,
    );
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
  });
});

describe("PR comment commands", () => {
  it("/labgate help replies with the command table; no API reads", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = expectReply(withToken(nock(API)), "eyes", /\/approve-phase8/, replies);
    await app.receive("issue_comment", prCommentEvent("/labgate help"));
    scope.done();
    expect(replies[0]).toMatchSnapshot();
  });

  it("commands in quotes or code fences are ignored", async () => {
    const app = await testApp();
    await app.receive(
      "issue_comment",
      prCommentEvent("> /approve-phase8\n\n```\n/approve-phase8\n```\nsee `/approve-phase8` above"),
    );
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("/cancel cancels the active dispatch runs and closes the approval", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const record = encodeApproval({
      v: 1,
      pr: 2,
      sha: HEAD,
      phase: "full",
      by: "Codertocat",
      at: "t",
      state: "approved",
    });
    const scope = upToPermission()
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
      .query(DISPATCH_RUNS_QUERY)
      .reply(200, {
        total_count: 3,
        workflow_runs: [
          dispatchRun(88, { status: "in_progress", conclusion: null, pr: 3 }),
          dispatchRun(77, { status: "in_progress", conclusion: null }),
          dispatchRun(66, { conclusion: "success" }),
        ],
      })
      .post(`${R}/actions/runs/77/cancel`)
      .reply(202)
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(
        200,
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: record,
          }),
        ]),
      )
      .post(
        `${R}/check-runs`,
        (b) => b.conclusion === "cancelled" && decodeApproval(b.external_id)?.state === "cancelled",
      )
      .reply(201, { id: 501 });
    expectReply(scope, "+1", /Cancelled 1 run/, replies);
    await app.receive("issue_comment", prCommentEvent("/cancel"));
    scope.done();
  });

  it("/retry failed re-runs the failed jobs of the newest dispatch run", async () => {
    const app = await testApp();
    const record = encodeApproval({
      v: 1,
      pr: 2,
      sha: HEAD,
      phase: "full",
      by: "Codertocat",
      at: "t",
      state: "approved",
    });
    const scope = upToPermission()
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(
        200,
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: record,
          }),
        ]),
      )
      .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
      .query(DISPATCH_RUNS_QUERY)
      .reply(200, {
        total_count: 2,
        workflow_runs: [dispatchRun(88, { pr: 3 }), dispatchRun(77)],
      })
      .post(`${R}/actions/runs/77/rerun-failed-jobs`)
      .reply(201);
    expectReply(scope, "rocket", /Re-running the failed jobs of \[run 77\]/, []);
    await app.receive("issue_comment", prCommentEvent("/retry failed"));
    scope.done();
  });
});
