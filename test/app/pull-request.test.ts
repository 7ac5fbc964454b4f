import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
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
  exampleFiles,
  HEAD,
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
/** The gates the example campaign gets (no pilot results yet): computed by the real core. */
async function expectedGates(): Promise<string[]> {
  const { verdicts } = await reviewGates({ workspace: diskWorkspace(ROOT), dryRun: "skip" });
  return verdicts.filter((v) => v.gate !== "pilot").map((v) => `labgate/${v.gate}`);
}

const approved = (state: "approved" | "voided" = "approved") =>
  encodeApproval({ v: 1, pr: 2, sha: BEFORE, phase: "full", by: "octocat", at: "t0", state });

describe("pull_request events", () => {
  it("synchronize on the example campaign: reads the head's files in 2 GraphQL batches, posts each gate's check, creates the dashboard", async () => {
    const gates = await expectedGates();
    const app = await testApp();
    const checks: any[] = [];
    const scope = withToken(nock(API));
    serveGatesDispatch(scope); // the code-review dry-run, on the default branch
    const asked = serveFiles(scope, exampleFiles(), 2);
    serveOwnChecks(scope);
    scope
      .post(`${R}/check-runs`, (b) => {
        checks.push(b);
        return b.head_sha === HEAD;
      })
      .times(gates.length)
      .reply(201, (_u, _b) => ({ id: 100 + checks.length }))
      .get(`${R}/commits/${BEFORE}/check-runs`)
      .query({ filter: "all", per_page: "100", check_name: "labgate/phase8" })
      .reply(200, checkRunsReply([]))
      .get(`${R}/issues/2/comments`)
      .query(true)
      .reply(200, [{ id: 9, body: "unrelated", user: { login: "someone" } }])
      .post(`${R}/issues/2/comments`, (b) => b.body.startsWith(DASHBOARD_MARKER))
      .reply(201, { id: 10 });
    await app.receive("pull_request", pullRequestEvent("synchronize"));
    scope.done();
    expect(asked).toEqual(
      expect.arrayContaining(["experiments/definitions.json", "experiments/scripts/train.py"]),
    );
    // The default branch's labgate.yml (the policy) comes in the first batch too.
    expect(asked).toContain(".github/labgate.yml");
    expect(checks.map((c) => c.name)).toEqual(gates);
    for (const c of checks) {
      expect(c.status).toBe("completed");
      expect(["success", "failure", "neutral"]).toContain(c.conclusion);
      expect(c.output.summary.length).toBeLessThanOrEqual(65_535);
      expect((c.output.annotations ?? []).length).toBeLessThanOrEqual(50);
    }
    const review = checks.find((c) => c.name === "labgate/code-review");
    if (review && review.conclusion !== "failure")
      expect(review.output.title).toMatch(/dry-run pending$/);
  });

  it("a second event edits the dashboard instead of adding one", async () => {
    const gates = await expectedGates();
    const app = await testApp();
    let edited = "";
    const scope = withToken(nock(API));
    serveGatesDispatch(scope); // the code-review dry-run, on the default branch
    serveFiles(scope, exampleFiles(), 2);
    serveOwnChecks(scope);
    scope
      .post(`${R}/check-runs`)
      .times(gates.length)
      .reply(201, { id: 1 })
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, checkRunsReply([]))
      .get(`${R}/issues/2/comments`)
      .query(true)
      .reply(200, [{ id: 10, body: `${DASHBOARD_MARKER}\nold`, user: { login: "labgate[bot]" } }])
      .patch(`${R}/issues/comments/10`, (b) => {
        edited = b.body;
        return true;
      })
      .reply(200, { id: 10 });
    await app.receive("pull_request", pullRequestEvent("reopened"));
    scope.done();
    expect(edited.startsWith(DASHBOARD_MARKER)).toBe(true);
    expect(edited).toContain("| method \\ dataset |");
    expect(edited).toContain("**Next step:**");
  });

  it("approval, then a code push: the approval is voided on the new head and on the approved commit (a force-push back to it finds it voided), and the dashboard says why", async () => {
    const gates = await expectedGates();
    const app = await testApp();
    const phase8: any[] = [];
    let dashboard = "";
    const scope = withToken(nock(API));
    serveGatesDispatch(scope); // the code-review dry-run, on the default branch
    serveFiles(scope, exampleFiles(), 2);
    serveOwnChecks(scope);
    scope
      .post(`${R}/check-runs`, (b) => b.name !== "labgate/phase8")
      .times(gates.length)
      .reply(201, { id: 1 })
      .get(`${R}/commits/${BEFORE}/check-runs`)
      .query(true)
      .reply(
        200,
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: approved(),
          }),
        ]),
      )
      // The results and dispatch paths: the default branch's config (served with the files), read
      // once for the review, at the default branch the payload names (no GET /repos/{o}/{r}).
      .get(`${R}/compare/${BEFORE}...${HEAD}`)
      .reply(200, {
        status: "ahead",
        files: [
          { filename: "experiments/scripts/train.py" },
          { filename: "experiments/results/aggregated.json" },
        ],
      })
      .post(`${R}/check-runs`, (b) => {
        phase8.push(b);
        return b.name === "labgate/phase8";
      })
      .times(2)
      .reply(201, (_u, _b) => ({ id: 500 + phase8.length }))
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
    expect(phase8[0]).toMatchObject({ head_sha: HEAD, status: "completed", conclusion: "neutral" });
    expect(decodeApproval(phase8[0].external_id)?.state).toBe("voided");
    expect(phase8[0].output.summary).toContain("`experiments/scripts/train.py`");
    // The attack: the branch is force-pushed back to the approved BEFORE after the void. Its own
    // newest record must read voided too, or a hand-made dispatch of BEFORE would plan it.
    expect(phase8[1]).toMatchObject({
      head_sha: BEFORE,
      status: "completed",
      conclusion: "neutral",
    });
    expect(decodeApproval(phase8[1].external_id)).toEqual({
      ...decodeApproval(approved()),
      state: "voided",
    });
    expect(phase8[1].output.summary).toContain(`\`${HEAD.slice(0, 7)}\``);
    expect(phase8).toHaveLength(2);
    expect(dashboard).toContain("was voided");
    expect(dashboard).toContain("experiments/scripts/train.py");
  });

  it("approval, then a results-only push: the approval moves to the new head", async () => {
    const gates = await expectedGates();
    const app = await testApp();
    const phase8: any[] = [];
    let dashboard = "";
    const scope = withToken(nock(API));
    serveGatesDispatch(scope); // the code-review dry-run, on the default branch
    serveFiles(scope, exampleFiles(), 2);
    serveOwnChecks(scope);
    scope
      .post(`${R}/check-runs`, (b) => b.name !== "labgate/phase8")
      .times(gates.length)
      .reply(201, { id: 1 })
      .get(`${R}/commits/${BEFORE}/check-runs`)
      .query(true)
      .reply(
        200,
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: approved(),
          }),
        ]),
      )
      // The results and dispatch paths: the default branch's config (served with the files), read
      // once for the review, at the default branch the payload names (no GET /repos/{o}/{r}).
      .get(`${R}/compare/${BEFORE}...${HEAD}`)
      .reply(200, {
        status: "ahead",
        files: [
          { filename: "experiments/results/aggregated.json" },
          { filename: "dispatch/state.json" },
        ],
        // The aggregate job's results commit: GitHub authors it as github-actions[bot], commits it
        // as itself and signs it (only such a commit carries an approval, docs/security.md).
        total_commits: 1,
        commits: [
          {
            sha: HEAD,
            author: { login: "github-actions[bot]" },
            committer: { login: "web-flow" },
            commit: {
              committer: { date: "2026-05-01T11:00:00Z" },
              message: `labgate: results (full)\n\nLabgate-Run: https://github.com/Codertocat/Hello-World/actions/runs/900\n`,
              verification: { verified: true, reason: "valid" },
            },
          },
        ],
      })
      // Its Labgate-Run trailer names the dispatch run of this PR and approved commit.
      .get(`${R}/actions/runs/900`)
      .reply(200, {
        id: 900,
        path: ".github/workflows/labgate-dispatch.yml",
        head_branch: BASE_REF,
        event: "workflow_dispatch",
        display_title: `labgate dispatch: PR #2 at ${BEFORE} (full, wave 1)`,
        created_at: "2026-05-01T10:00:00Z",
      })
      .post(`${R}/check-runs`, (b) => {
        phase8.push(b);
        return b.name === "labgate/phase8";
      })
      .reply(201, { id: 501 })
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
    expect(phase8[0]).toMatchObject({ head_sha: HEAD, status: "in_progress" });
    expect(decodeApproval(phase8[0].external_id)).toMatchObject({
      sha: BEFORE,
      state: "approved",
      by: "octocat",
    });
    expect(dashboard).toContain("approved by @octocat");
  });
});
