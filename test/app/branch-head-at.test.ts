import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { branchHeadAt } from "../../src/github/branch-head-at.js";
import { createOctokit } from "../../src/github/octokit.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const API = "https://api.github.com";
const PATH = "/repos/lab/study/activity";
const repo = { owner: "lab", repo: "study" };
const query = { ref: "refs/heads/feature", direction: "desc", per_page: "100" };
const push = (i: number, after: string, timestamp: string, activity_type = "push") => ({
  id: i,
  node_id: `A${i}`,
  before: "0".repeat(40),
  after,
  ref: "refs/heads/feature",
  timestamp,
  activity_type,
  actor: null,
});
const octokit = () => createOctokit({ token: "t", retries: 0 });

describe("branchHeadAt", () => {
  it("reads on to the next page for the newest push at or before the moment", async () => {
    const later = Array.from({ length: 100 }, (_, i) =>
      push(1000 - i, "b".repeat(40), "2026-05-01T13:00:00Z"),
    );
    const scope = nock(API)
      .get(PATH)
      .query(query)
      .reply(200, later, { link: `<${API}${PATH}?after=c2&per_page=100>; rel="next"` })
      .get(PATH)
      .query({ after: "c2", per_page: "100" })
      .reply(200, [push(3, "a".repeat(40), "2026-05-01T12:00:00Z")]);
    const at = await branchHeadAt(octokit(), repo, "feature", "2026-05-01T12:00:00Z");
    scope.done();
    expect(at).toEqual({ ok: true, sha: "a".repeat(40), since: "2026-05-01T12:00:00Z" });
  });

  it("a branch deleted before the moment has no head then", async () => {
    nock(API)
      .get(PATH)
      .query(query)
      .reply(200, [push(2, "0".repeat(40), "2026-05-01T11:00:00Z", "branch_deletion")]);
    const at = await branchHeadAt(octokit(), repo, "feature", "2026-05-01T12:00:00Z");
    expect(at).toMatchObject({ ok: false, code: "no-activity" });
  });

  it("an answer other than 200 is a value with its code, not a guess", async () => {
    nock(API).get(PATH).query(query).reply(403, { message: "Resource not accessible" });
    const at = await branchHeadAt(octokit(), repo, "feature", "2026-05-01T12:00:00Z");
    expect(at).toEqual({
      ok: false,
      code: "activity-unavailable",
      message: "GitHub did not list the activity of `feature` (HTTP 403)",
    });
  });
});
