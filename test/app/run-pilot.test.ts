import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeApproval } from "../../src/github/check-run-protocol.js";
import {
  API,
  BASE_REF,
  checkRunsReply,
  exampleFiles,
  GREEN_CHECKS,
  HEAD,
  NOW,
  nock,
  prCommentEvent,
  pullRequestResource,
  R,
  servePolicy,
  testApp,
  withToken,
} from "./harness.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const config = exampleFiles()[".github/labgate.yml"] as string;
const COMMENT_ID = 492700400;

/** Everything up to the commenter's permission: token, the PR, the default branch's config. */
function upToPermission(opts: { author?: string; configText?: string } = {}) {
  return servePolicy(
    withToken(nock(API)).get(`${R}/pulls/2`).reply(200, pullRequestResource(opts)),
    opts.configText ?? config,
  )
    .get(`${R}/collaborators/Codertocat/permission`)
    .reply(200, { permission: "write", role_name: "write" });
}

function expectReply(scope: nock.Scope, reaction: string, replies: string[]) {
  return scope
    .post(`${R}/issues/comments/${COMMENT_ID}/reactions`, (b) => b.content === reaction)
    .reply(201, {})
    .post(`${R}/issues/2/comments`, (b) => {
      replies.push(b.body);
      return true;
    })
    .reply(201, { id: 1 });
}

describe("/run-pilot", () => {
  it("is refused for the PR's author when require_other_approver is set: nothing recorded, nothing dispatched", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = upToPermission({
      author: "Codertocat",
      configText: config.replace("require_other_approver: false", "require_other_approver: true"),
    });
    expectReply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/run-pilot"));
    scope.done();
    expect(replies).toEqual([
      "@Codertocat Pilot not started: @Codertocat opened this PR, and `approvers.require_other_approver` in .github/labgate.yml asks for someone else to start its pilot (a pilot runs the PR's code on the GPU runners, as `/approve-phase8` does).",
    ]);
  });

  it("/run-pilot 2 writes the pilot record on labgate/pilot-dispatch, then dispatches the pilot with the stage, then marks the record dispatched", async () => {
    const app = await testApp();
    const order: string[] = [];
    const created: any[] = [];
    const updated: any[] = [];
    const dispatched: any[] = [];
    const replies: string[] = [];
    const scope = upToPermission({ author: "someone-else" })
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, checkRunsReply(GREEN_CHECKS))
      .post(`${R}/check-runs`, (b) => {
        order.push("record");
        created.push(b);
        return true;
      })
      .reply(201, { id: 600 })
      .post(`${R}/actions/workflows/labgate-dispatch.yml/dispatches`, (b) => {
        order.push("dispatch");
        dispatched.push(b);
        return true;
      })
      .reply(204)
      .patch(`${R}/check-runs/600`, (b) => {
        order.push("dispatched");
        updated.push(b);
        return true;
      })
      .reply(200, {});
    expectReply(scope, "rocket", replies);
    await app.receive("issue_comment", prCommentEvent("/run-pilot 2"));
    scope.done();
    expect(order).toEqual(["record", "dispatch", "dispatched"]);
    const record = {
      v: 1,
      pr: 2,
      sha: HEAD,
      phase: "pilot",
      stage: 2,
      by: "Codertocat",
      at: NOW.toISOString(),
      state: "dispatching",
      comment_id: COMMENT_ID,
    };
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      name: "labgate/pilot-dispatch",
      head_sha: HEAD,
      status: "in_progress",
      output: { title: "Pilot started by @Codertocat for ec26c3e — dispatching" },
    });
    expect(decodeApproval(created[0].external_id)).toEqual(record);
    expect(dispatched).toEqual([
      { ref: BASE_REF, inputs: { pr: "2", sha: HEAD, phase: "pilot", stage: "2" } },
    ]);
    expect(updated[0]).toMatchObject({
      status: "completed",
      conclusion: "neutral",
      output: { title: "Pilot started by @Codertocat for ec26c3e — dispatched" },
    });
    expect(decodeApproval(updated[0].external_id)).toEqual({ ...record, state: "approved" });
    expect(replies).toEqual([
      "@Codertocat Pilot dispatched for `ec26c3e`, stage 2; `labgate/pilot` shows the results when they are committed.",
    ]);
  });

  it("marks the record dispatch-failed when GitHub refuses the dispatch, so the plan step plans nothing", async () => {
    const app = await testApp();
    const updated: any[] = [];
    const replies: string[] = [];
    const scope = upToPermission()
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, checkRunsReply(GREEN_CHECKS))
      .post(`${R}/check-runs`)
      .reply(201, { id: 601 })
      .post(`${R}/actions/workflows/labgate-dispatch.yml/dispatches`)
      .reply(404, { message: "Not Found" })
      .patch(`${R}/check-runs/601`, (b) => {
        updated.push(b);
        return true;
      })
      .reply(200, {});
    expectReply(scope, "confused", replies);
    await app.receive("issue_comment", prCommentEvent("/run-pilot"));
    scope.done();
    expect(updated[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(decodeApproval(updated[0].external_id)?.state).toBe("dispatch-failed");
    expect(replies).toEqual([
      "@Codertocat Pilot not started: dispatching `labgate-dispatch.yml` failed with HTTP 404.",
    ]);
  });
});
