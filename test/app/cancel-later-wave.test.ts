import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeApproval, encodeApproval } from "../../src/github/check-run-protocol.js";
import {
  API,
  BEFORE,
  checkRun,
  checkRunsReply,
  DISPATCH_RUNS_QUERY,
  exampleFiles,
  HEAD,
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

/**
 * A campaign in waves (docs/runners.md, "Waves"): the approval of BEFORE was carried to HEAD by a
 * wave's results commit. `/cancel` closes it on both, so a later wave's plan, which reads the
 * records at the approved commit and at the head it then finds (past further results commits),
 * still sees it closed.
 */
describe("/cancel during a campaign in waves", () => {
  it("closes the approval on the head and on the approved commit it was carried from", async () => {
    const app = await testApp();
    const carried = encodeApproval({
      v: 1,
      pr: 2,
      sha: BEFORE,
      phase: "full",
      by: "Codertocat",
      at: "t",
      state: "approved",
    });
    const written: { head_sha: string; external_id: string }[] = [];
    const scope = servePolicy(
      withToken(nock(API)).get(`${R}/pulls/2`).reply(200, pullRequestResource()),
      config,
    )
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
      .query(DISPATCH_RUNS_QUERY)
      .reply(200, { total_count: 0, workflow_runs: [] })
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(
        200,
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: carried,
          }),
        ]),
      )
      .post(`${R}/check-runs`, (b) => written.push(b) > 0)
      .times(2)
      .reply(201, { id: 600 })
      .post(`${R}/issues/comments/492700400/reactions`)
      .reply(201, {})
      .post(`${R}/issues/2/comments`)
      .reply(201, { id: 1 });
    await app.receive("issue_comment", prCommentEvent("/cancel"));
    scope.done();
    expect(written.map((w) => w.head_sha).sort()).toEqual([BEFORE, HEAD].sort());
    for (const w of written)
      expect(decodeApproval(w.external_id)).toMatchObject({ sha: BEFORE, state: "cancelled" });
  });
});
