import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { completeDryRun } from "../../src/app/dry-run/complete-dry-run.js";
import {
  CODE_REVIEW_CHECK,
  decodeCodeReviewState,
  encodeCodeReviewState,
  GITHUB_ACTIONS_APP_ID,
} from "../../src/github/check-run-protocol.js";
import { createOctokit } from "../../src/github/octokit.js";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import {
  GATES_RUN_URL,
  gatesRunCompleted,
  serveContents,
  serveJobs,
  serveRepository,
} from "./dry-run-helpers.js";
import {
  API,
  checkRunsReply,
  exampleFiles,
  HEAD,
  HEAD_REF,
  NOW,
  nock,
  OWNER,
  pullRequestResource,
  R,
  REPO,
  testApp,
  withToken,
} from "./harness.js";

// The app's own id, as `probot run` gets it: its check runs are the ones that count.
const APP_ID = 123;
beforeEach(() => {
  nock.disableNetConnect();
  process.env.APP_ID = String(APP_ID);
});
afterEach(() => {
  nock.cleanAll();
  delete process.env.APP_ID;
});

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const pending = encodeCodeReviewState({ v: 1, dry_run: "pending" });

/** A `labgate/code-review` check run on HEAD as GitHub lists it, by app `appId`. */
const codeReviewCheck = (id: number, appId: number, conclusion = "neutral") => ({
  id,
  name: CODE_REVIEW_CHECK,
  head_sha: HEAD,
  status: "completed",
  conclusion,
  external_id: pending,
  app: { id: appId, slug: appId === APP_ID ? "labgate" : "github-actions" },
  output: { title: "CODE_APPROVED — dry-run pending", summary: "" },
  html_url: `https://github.com/${OWNER}/${REPO}/runs/${id}`,
});

/** The static code review of the example campaign, by the real core. */
async function staticCodeReview() {
  const { verdicts } = await reviewGates({
    workspace: diskWorkspace(ROOT),
    only: ["code-review"],
    dryRun: "skip",
  });
  return verdicts[0] as NonNullable<(typeof verdicts)[0]>;
}

/** Every write the app makes to check runs; a forged run must leave this empty. */
function recordCheckWrites(scope: nock.Scope): any[] {
  const writes: any[] = [];
  scope
    .post(`${R}/check-runs`, (b) => writes.push({ method: "POST", ...b }) > 0)
    .optionally()
    .reply(201, { id: 999 })
    .patch(/\/check-runs\/\d+$/, (b) => writes.push({ method: "PATCH", ...b }) > 0)
    .optionally()
    .reply(200, {});
  return writes;
}

describe("workflow_run.completed of a gates run: only the default branch's gates workflow reports the dry-run", () => {
  const forgeries: [string, (run: Record<string, any>, p: Record<string, any>) => void][] = [
    ["a workflow file the PR added (another path)", (r) => (r.path = ".github/workflows/evil.yml")],
    ["the gates workflow of the PR's branch", (r) => (r.head_branch = HEAD_REF)],
    ["a run started by the PR's own pull_request event", (r) => (r.event = "pull_request")],
    [
      "a run in another repository (a fork)",
      (r) => (r.head_repository = { ...r.head_repository, id: 999 }),
    ],
  ];

  it.each(forgeries)("%s, named like a passing gates run, changes nothing", async (_, forge) => {
    const app = await testApp();
    const scope = withToken(nock(API));
    serveRepository(scope, true);
    serveContents(scope, exampleFiles());
    scope.get(`${R}/pulls/2`).optionally().reply(200, pullRequestResource());
    scope
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .optionally()
      .reply(200, checkRunsReply([codeReviewCheck(11, APP_ID)]));
    const writes = recordCheckWrites(scope);
    await app.receive("workflow_run", gatesRunCompleted(forge));
    expect(writes).toEqual([]);
  });

  it("a gates run naming a SHA that was never the PR's changes nothing", async () => {
    const other = "1".repeat(40);
    const app = await testApp();
    const scope = withToken(nock(API));
    serveRepository(scope);
    serveContents(scope, exampleFiles());
    scope
      .get(`${R}/pulls/2`)
      .reply(200, pullRequestResource())
      .get(`${R}/pulls/2/commits`)
      .query(true)
      .reply(200, [{ sha: HEAD }]);
    const writes = recordCheckWrites(scope);
    await app.receive(
      "workflow_run",
      gatesRunCompleted((r) => (r.display_title = `labgate gates: PR #2 at ${other}`)),
    );
    scope.done();
    expect(writes).toEqual([]);
  });

  it.each([
    ["success", "passed"],
    ["failure", "failed"],
    ["timed_out", "failed"],
  ])(
    "the real run (job %s) updates the app's own labgate/code-review on the tested SHA: conclusion, link, dry-run state",
    async (job, state) => {
      const review = await staticCodeReview();
      const app = await testApp();
      const scope = withToken(nock(API));
      serveRepository(scope);
      serveContents(scope, exampleFiles());
      scope.get(`${R}/pulls/2`).reply(200, pullRequestResource());
      serveJobs(scope, 1589141559, job);
      // Newest first: a forged pending code review by a PR's workflow, then the app's own.
      scope
        .get(`${R}/commits/${HEAD}/check-runs`)
        .query({ filter: "all", per_page: "100", check_name: CODE_REVIEW_CHECK })
        .reply(
          200,
          checkRunsReply([codeReviewCheck(12, GITHUB_ACTIONS_APP_ID), codeReviewCheck(11, APP_ID)]),
        );
      let patched: any;
      scope
        .patch(`${R}/check-runs/11`, (b) => {
          patched = b;
          return true;
        })
        .reply(200, {});
      await app.receive("workflow_run", gatesRunCompleted());
      scope.done();
      // The example campaign's static part passes: the dry-run decides.
      expect(review.conclusion).toBe("neutral");
      const passed = job === "success";
      expect(patched).toMatchObject({
        status: "completed",
        conclusion: passed ? "success" : "failure",
        completed_at: NOW.toISOString(),
        details_url: GATES_RUN_URL,
      });
      expect(decodeCodeReviewState(patched.external_id)).toEqual({ v: 1, dry_run: state });
      expect(patched.output.title).toBe(
        `${passed ? "CODE_APPROVED" : "CODE_REVISE"} — dry-run ${state}`,
      );
      expect(patched.output.summary).toContain(
        `job \`dry-run\` of [gates workflow run 1589141559](${GATES_RUN_URL}) ended \`${job}\``,
      );
    },
  );

  it("a cancelled run (superseded by a newer push) leaves the check waiting", async () => {
    const app = await testApp();
    const scope = withToken(nock(API));
    serveRepository(scope);
    serveContents(scope, exampleFiles());
    scope.get(`${R}/pulls/2`).reply(200, pullRequestResource());
    serveJobs(scope, 1589141559, "cancelled");
    const writes = recordCheckWrites(scope);
    await app.receive("workflow_run", gatesRunCompleted());
    scope.done();
    expect(writes).toEqual([]);
  });
});

describe("completeDryRun: each refusal has its code", () => {
  const deps = () => ({
    octokit: createOctokit({ token: "t", retries: 0 }),
    repo: { owner: OWNER, repo: REPO },
    log: { info() {}, warn() {}, error() {} },
    clock: () => NOW,
    trust: { app_id: APP_ID },
  });
  const input = (p: Record<string, any>) => ({
    repositoryId: p.repository.id,
    run: p.workflow_run,
  });

  it.each([
    ["not-gates-run", (r: any) => (r.display_title = "Manually triggered workflow")],
    ["other-repository", (r: any) => (r.repository = { ...r.repository, id: 1 })],
    ["not-workflow-dispatch", (r: any) => (r.event = "pull_request")],
  ])("%s, before any request", async (code, forge) => {
    const r = await completeDryRun(deps(), input(gatesRunCompleted(forge)));
    expect(r).toMatchObject({ ok: false, code });
  });

  it.each([
    ["other-workflow", (r: any) => (r.path = ".github/workflows/evil.yml")],
    ["not-default-branch", (r: any) => (r.head_branch = HEAD_REF)],
  ])("%s, once the default branch's config is read", async (code, forge) => {
    const scope = nock(API);
    serveRepository(scope);
    serveContents(scope, exampleFiles());
    const r = await completeDryRun(deps(), input(gatesRunCompleted(forge)));
    scope.done();
    expect(r).toMatchObject({ ok: false, code });
  });

  it("fork-pr: a fork PR's dry-run is never reported", async () => {
    const scope = nock(API);
    serveRepository(scope);
    serveContents(scope, exampleFiles());
    const fork = pullRequestResource();
    fork.head.repo = { ...fork.head.repo, id: 42 };
    scope.get(`${R}/pulls/2`).reply(200, fork);
    const r = await completeDryRun(deps(), input(gatesRunCompleted()));
    scope.done();
    expect(r).toMatchObject({ ok: false, code: "fork-pr" });
  });
});
