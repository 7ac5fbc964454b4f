import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeApproval } from "../../src/github/check-run-protocol.js";
import {
  API,
  BEFORE,
  checkRun,
  checkRunsReply,
  DISPATCH_RUNS_QUERY,
  dispatchRun,
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
const standing = encodeApproval({
  v: 1,
  pr: 2,
  sha: HEAD,
  phase: "full",
  by: "Codertocat",
  at: "t",
  state: "approved",
});

/** Token, PR, policy, write permission, the standing approval on the head. */
function approvedPr() {
  return servePolicy(
    withToken(nock(API)).get(`${R}/pulls/2`).reply(200, pullRequestResource()),
    config,
  )
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
          external_id: standing,
        }),
      ]),
    );
}

/** `dispatch/state.json` at the head, naming `jobId` as the job of run `r1`. */
function stateNaming(scope: nock.Scope, jobId: string) {
  const state = JSON.stringify({
    project: "p",
    updated: "t",
    experiments: [
      {
        id: "r1",
        exp_id: "e",
        phase: "full",
        method: "m",
        dataset: "d",
        seed: 1,
        status: "failed",
        reason: "exit 1",
        job_id: jobId,
      },
    ],
  });
  return scope
    .get(`${R}/contents/dispatch%2Fstate.json`)
    .query({ ref: HEAD })
    .reply(200, {
      type: "file",
      size: state.length,
      encoding: "base64",
      content: Buffer.from(state).toString("base64"),
    });
}

function reply(scope: nock.Scope, reaction: string, replies: string[]) {
  return scope
    .post(`${R}/issues/comments/492700400/reactions`, (b) => b.content === reaction)
    .reply(201, {})
    .post(`${R}/issues/2/comments`, (b) => replies.push(b.body) > 0)
    .reply(201, { id: 1 });
}

/** labgate's runs for PR #2 at HEAD (77), and runs it must never touch. */
const RUNS = [
  dispatchRun(99, { title: "Deploy production" }),
  dispatchRun(88, { pr: 3 }),
  dispatchRun(87, { sha: BEFORE }),
  dispatchRun(86, { branch: "changes" }),
  dispatchRun(77),
];

describe("/retry re-runs only jobs of labgate's own dispatch of the PR (issue #11 item 7)", () => {
  it("state.json naming another workflow's job id: refused, and no re-run request is sent", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = approvedPr()
      .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
      .query(DISPATCH_RUNS_QUERY)
      .reply(200, { total_count: RUNS.length, workflow_runs: RUNS });
    stateNaming(scope, "31337") // a job of the repository's release workflow
      .get(`${R}/actions/runs/77/jobs`)
      .query({ filter: "latest", per_page: "100" })
      .reply(200, {
        total_count: 2,
        jobs: [
          { id: 701, name: "run (0)", status: "completed", conclusion: "failure", html_url: "u" },
          { id: 702, name: "run (1)", status: "completed", conclusion: "success", html_url: "u" },
        ],
      });
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/retry r1"));
    scope.done();
    expect(replies[0]).toBe(
      `@Codertocat Nothing retried: job 31337, which \`dispatch/state.json\` names for \`r1\`, is not a job of labgate's dispatch of PR #2 at \`${HEAD.slice(0, 7)}\` (newest: [run 77](https://github.com/Codertocat/Hello-World/actions/runs/77)). \`/retry failed\` re-runs the failed jobs of that run.`,
    );
  });

  it("state.json naming a job of labgate's dispatch: that job is re-run", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = approvedPr()
      .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
      .query(DISPATCH_RUNS_QUERY)
      .reply(200, { total_count: RUNS.length, workflow_runs: RUNS });
    stateNaming(scope, "701")
      .get(`${R}/actions/runs/77/jobs`)
      .query({ filter: "latest", per_page: "100" })
      .reply(200, {
        total_count: 1,
        jobs: [
          { id: 701, name: "run (0)", status: "completed", conclusion: "failure", html_url: "j" },
        ],
      })
      .post(`${R}/actions/jobs/701/rerun`)
      .reply(201);
    reply(scope, "rocket", replies);
    await app.receive("issue_comment", prCommentEvent("/retry r1"));
    scope.done();
    expect(replies[0]).toContain("Re-running job [run (0)](j) of [run 77]");
  });

  it("/retry failed with only other PRs', other commits' and other branches' runs: nothing is re-run", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const scope = approvedPr()
      .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
      .query(DISPATCH_RUNS_QUERY)
      .reply(200, { total_count: 4, workflow_runs: RUNS.slice(0, 4) });
    reply(scope, "-1", replies);
    await app.receive("issue_comment", prCommentEvent("/retry failed"));
    scope.done();
    expect(replies[0]).toBe(
      `@Codertocat Nothing retried: labgate has dispatched no run of \`labgate-dispatch.yml\` for PR #2 at \`${HEAD.slice(0, 7)}\`.`,
    );
  });
});

describe("/cancel", () => {
  it("cancels only labgate's active dispatches of this PR", async () => {
    const app = await testApp();
    const replies: string[] = [];
    const active = { status: "in_progress", conclusion: null };
    const scope = servePolicy(
      withToken(nock(API)).get(`${R}/pulls/2`).reply(200, pullRequestResource()),
      config,
    )
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "write", role_name: "write" })
      .get(`${R}/actions/workflows/labgate-dispatch.yml/runs`)
      .query(DISPATCH_RUNS_QUERY)
      .reply(200, {
        total_count: 3,
        workflow_runs: [
          dispatchRun(88, { ...active, pr: 3 }),
          dispatchRun(86, { ...active, branch: "changes" }),
          dispatchRun(77, { ...active, sha: BEFORE }),
        ],
      })
      .post(`${R}/actions/runs/77/cancel`)
      .reply(202)
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, checkRunsReply([]));
    reply(scope, "+1", replies);
    await app.receive("issue_comment", prCommentEvent("/cancel"));
    scope.done();
    expect(replies[0]).toContain("Cancelled 1 run(s) of `labgate-dispatch.yml`: [77]");
  });
});
