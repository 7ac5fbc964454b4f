import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOctokit } from "../../src/github/octokit.js";
import { upsertPullRequest } from "../../src/github/pull-requests.js";

const API = "https://api.github.com";
const octokit = () => createOctokit({ token: "test-token", retries: 0 });
const input = {
  owner: "lab",
  repo: "study",
  head: "labgate/autofix/7",
  base: "feature-x",
  title: "labgate auto-fix for #7",
  body: "fixes",
};
const pr = (number: number, draft = false) => ({
  number,
  html_url: `https://github.com/lab/study/pull/${number}`,
  draft,
});

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("upsertPullRequest — one PR per head branch", () => {
  it("creates the PR when none is open from the head", async () => {
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query({ head: "lab:labgate/autofix/7", base: "feature-x", state: "open", per_page: "10" })
      .reply(200, [])
      .post("/repos/lab/study/pulls", (b) => {
        expect(b).toEqual({
          head: "labgate/autofix/7",
          base: "feature-x",
          title: "labgate auto-fix for #7",
          body: "fixes",
          draft: false,
          maintainer_can_modify: false,
        });
        return true;
      })
      .reply(201, pr(12));
    const out = await upsertPullRequest(octokit(), input);
    expect(out).toEqual({
      action: "created",
      number: 12,
      url: "https://github.com/lab/study/pull/12",
      draft: false,
    });
    scope.done();
  });

  it("updates the open PR on a second run instead of opening a duplicate", async () => {
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [pr(12)])
      .patch("/repos/lab/study/pulls/12", (b) => {
        expect(b).toEqual({ title: "labgate auto-fix for #7", body: "fixes, round 2" });
        return true;
      })
      .reply(200, pr(12));
    const out = await upsertPullRequest(octokit(), { ...input, body: "fixes, round 2" });
    expect(out.action).toBe("updated");
    expect(out.number).toBe(12);
    scope.done();
  });

  it("answers GitHub's 422 'A pull request already exists' by finding and updating that PR", async () => {
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls")
      .reply(422, {
        message: "Validation Failed",
        errors: [
          {
            resource: "PullRequest",
            code: "custom",
            message: "A pull request already exists for lab:labgate/autofix/7.",
          },
        ],
        documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
        status: "422",
      })
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [pr(13)])
      .patch("/repos/lab/study/pulls/13", (b) => b.body === "fixes")
      .reply(200, pr(13));
    const out = await upsertPullRequest(octokit(), input);
    expect(out).toMatchObject({ action: "updated", number: 13 });
    scope.done();
  });

  it("opens a draft, and falls back to a normal PR where the repo has no drafts", async () => {
    const bodies: any[] = [];
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls", (b) => bodies.push(b) > 0)
      .reply(422, {
        message: "Validation Failed",
        errors: [
          {
            resource: "PullRequest",
            code: "custom",
            message: "Draft pull requests are not supported in this repository.",
          },
        ],
      })
      .post("/repos/lab/study/pulls", (b) => bodies.push(b) > 0)
      .reply(201, pr(14));
    const out = await upsertPullRequest(octokit(), { ...input, draft: true });
    expect(bodies.map((b) => b.draft)).toEqual([true, false]);
    expect(out).toMatchObject({ action: "created", number: 14, draft: false });
    scope.done();
  });

  it("rethrows any other API failure (no silent success)", async () => {
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls")
      .reply(403, { message: "Resource not accessible by integration" });
    await expect(upsertPullRequest(octokit(), input)).rejects.toMatchObject({ status: 403 });
    scope.done();
  });

  it("recognises a refused create by its 422 status, whatever GitHub's wording says", async () => {
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls")
      .reply(422, {
        message: "Validation Failed",
        errors: [{ code: "custom", message: "Ya existe" }],
      })
      .get("/repos/lab/study/pulls")
      .query({ head: "lab:labgate/autofix/7", base: "feature-x", state: "open", per_page: "10" })
      .reply(200, [pr(15)])
      .patch("/repos/lab/study/pulls/15")
      .reply(200, pr(15));
    const out = await upsertPullRequest(octokit(), input);
    expect(out).toMatchObject({ action: "updated", number: 15 });
    scope.done();
  });

  it("falls back from a draft on a 422 worded differently too", async () => {
    const bodies: any[] = [];
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls", (b) => bodies.push(b) > 0)
      .reply(422, {
        message: "Validation Failed",
        errors: [{ code: "custom", message: "no drafts here" }],
      })
      .post("/repos/lab/study/pulls", (b) => bodies.push(b) > 0)
      .reply(201, pr(16));
    const out = await upsertPullRequest(octokit(), { ...input, draft: true });
    expect(bodies.map((b) => b.draft)).toEqual([true, false]);
    expect(out).toMatchObject({ action: "created", number: 16, draft: false });
    scope.done();
  });

  it("a 422 with no PR open from the head is GitHub's own error, rethrown", async () => {
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls")
      .reply(422, { message: "Validation Failed", errors: [{ code: "invalid", field: "head" }] })
      .get("/repos/lab/study/pulls")
      .query({ head: "lab:labgate/autofix/7", base: "feature-x", state: "open", per_page: "10" })
      .reply(200, [])
      .get("/repos/lab/study/pulls")
      .query({ head: "lab:labgate/autofix/7", state: "open", per_page: "1" })
      .reply(200, []);
    await expect(upsertPullRequest(octokit(), input)).rejects.toMatchObject({ status: 422 });
    scope.done();
  });

  it("a 422 while the head's PR is open into another base says so, keeping GitHub's error as the cause", async () => {
    const scope = nock(API)
      .get("/repos/lab/study/pulls")
      .query(true)
      .reply(200, [])
      .post("/repos/lab/study/pulls")
      .reply(422, { message: "Validation Failed" })
      .get("/repos/lab/study/pulls")
      .query({ head: "lab:labgate/autofix/7", base: "feature-x", state: "open", per_page: "10" })
      .reply(200, [])
      .get("/repos/lab/study/pulls")
      .query({ head: "lab:labgate/autofix/7", state: "open", per_page: "1" })
      .reply(200, [pr(9)]);
    const err = await upsertPullRequest(octokit(), input).catch((e: unknown) => e);
    expect((err as Error).message).toContain("already exists, but none is open into feature-x");
    expect((err as Error).cause).toMatchObject({ status: 422 });
    scope.done();
  });
});
