import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CODE_REVIEW_CHECK, decodeCodeReviewState } from "../../src/github/check-run-protocol.js";
import { serveGatesDispatch } from "./dry-run-helpers.js";
import {
  API,
  BASE_REF,
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

/** The dashboard comment the last review posted. */
let dashboard = "";

/** A PR event's review, up to its check runs; returns the check-run bodies GitHub received. */
function serveReview(scope: nock.Scope, opts: { lookup?: boolean } = {}): any[] {
  const checks: any[] = [];
  dashboard = "";
  serveFiles(scope, exampleFiles(), 2);
  serveOwnChecks(scope);
  scope
    .post(`${R}/check-runs`, (b) => checks.push(b) > 0)
    .times(3)
    .reply(201, () => ({ id: 100 + checks.length }));
  if (opts.lookup)
    scope.get(`${R}/commits/${HEAD}/check-runs`).query(true).reply(200, checkRunsReply([]));
  scope
    .get(`${R}/issues/2/comments`)
    .query(true)
    .reply(200, [])
    .post(`${R}/issues/2/comments`, (b) => {
      dashboard = b.body;
      return true;
    })
    .reply(201, { id: 10 });
  return checks;
}

describe("a PR push dispatches the code-review dry-run on the default branch", () => {
  it("dispatches the gates workflow (ref = default branch, inputs pr and sha) and posts code review as pending", async () => {
    const app = await testApp();
    const scope = withToken(nock(API));
    const dispatched = serveGatesDispatch(scope);
    const checks = serveReview(scope);
    await app.receive("pull_request", pullRequestEvent("opened"));
    scope.done();
    expect(dispatched).toEqual([{ ref: BASE_REF, inputs: { pr: "2", sha: HEAD } }]);
    const review = checks.find((c) => c.name === CODE_REVIEW_CHECK);
    expect(review).toMatchObject({ head_sha: HEAD, status: "completed", conclusion: "neutral" });
    expect(review.output.title).toMatch(/ — dry-run pending$/);
    expect(decodeCodeReviewState(review.external_id)).toEqual({ v: 1, dry_run: "pending" });
    expect(review.output.summary).toContain(
      `in the gates workflow (\`labgate-gates.yml\` on \`${BASE_REF}\`)`,
    );
    expect(dashboard).toContain("(dry-run pending)");
  });

  it("a fork PR gets no dry-run on this repository's workflow, and its code review says so", async () => {
    const app = await testApp();
    const scope = withToken(nock(API));
    const checks = serveReview(scope);
    const event = pullRequestEvent("opened");
    event.pull_request.head.repo = { ...event.pull_request.head.repo, id: 4242 };
    await app.receive("pull_request", event);
    scope.done();
    const review = checks.find((c) => c.name === CODE_REVIEW_CHECK);
    expect(review.conclusion).toBe("neutral");
    expect(review.output.title).toMatch(/ — dry-run not run \(fork PR\)$/);
    expect(decodeCodeReviewState(review.external_id)).toEqual({ v: 1, dry_run: "fork" });
    expect(review.output.summary).toContain("This PR comes from a fork");
    // Nothing will report a dry-run: the dashboard does not say it waits for one.
    expect(dashboard).not.toContain("(dry-run pending)");
  });

  it("a default branch without the gates workflow: code review fails and says how to fix it", async () => {
    const app = await testApp();
    const scope = withToken(nock(API));
    serveGatesDispatch(scope, 404);
    const checks = serveReview(scope);
    await app.receive("pull_request", pullRequestEvent("opened"));
    scope.done();
    const review = checks.find((c) => c.name === CODE_REVIEW_CHECK);
    expect(review.conclusion).toBe("failure");
    expect(review.output.title).toMatch(/ — dry-run not started$/);
    expect(review.output.summary).toContain(
      `.github/workflows/labgate-gates.yml on the default branch \`${BASE_REF}\` was not found. Copy templates/workflows/labgate-gates.yml there`,
    );
  });
});
