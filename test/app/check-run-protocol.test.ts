import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type ApprovalRecord,
  approvalRecordCheck,
  decodeApproval,
  decodeCodeReviewState,
  encodeApproval,
  encodeCodeReviewState,
  GITHUB_ACTIONS_APP_ID,
  holds,
  isTrustedCheck,
} from "../../src/github/check-run-protocol.js";
import { listCheckRuns } from "../../src/github/check-runs.js";
import { isFork } from "../../src/github/get-pull-request.js";
import { createOctokit } from "../../src/github/octokit.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const record: ApprovalRecord = {
  v: 1,
  pr: 2,
  sha: "a".repeat(40),
  phase: "full",
  by: "octocat",
  at: "2026-05-01T12:00:00.000Z",
  state: "approved",
  comment_id: 77,
};

describe("the approval record codec", () => {
  it("round-trips, comment id included", () => {
    expect(decodeApproval(encodeApproval(record))).toEqual(record);
  });
  it("rejects what labgate did not write", () => {
    expect(decodeApproval("labgate-approval:{")).toBeUndefined();
    expect(decodeApproval("labgate-approval:null")).toBeUndefined();
    expect(decodeApproval(`labgate-approval:${JSON.stringify({ ...record, state: "yes" })}`)).toBe(
      undefined,
    );
    expect(
      decodeApproval(`labgate-approval:${JSON.stringify({ ...record, comment_id: "77" })}`),
    ).toBeUndefined();
    expect(decodeApproval(encodeCodeReviewState({ v: 1, dry_run: "passed" }))).toBeUndefined();
  });
  it("a dispatching record round-trips and stands, like approved and completed; the others do not", () => {
    const dispatching = { ...record, state: "dispatching" as const };
    expect(decodeApproval(encodeApproval(dispatching))).toEqual(dispatching);
    const states: ApprovalRecord["state"][] = [
      "dispatching",
      "approved",
      "completed",
      "dispatch-failed",
      "cancelled",
      "voided",
    ];
    expect(states.filter((state) => holds({ ...record, state }))).toEqual([
      "dispatching",
      "approved",
      "completed",
    ]);
  });
});

describe("the code-review state codec", () => {
  for (const dry_run of ["pending", "passed", "failed", "fork"] as const)
    it(`round-trips ${dry_run}`, () => {
      const id = encodeCodeReviewState({ v: 1, dry_run });
      expect(id).toBe(`labgate-code-review:{"v":1,"dry_run":"${dry_run}"}`);
      expect(decodeCodeReviewState(id)).toEqual({ v: 1, dry_run });
    });
  it("rejects unknown states, other versions and other records", () => {
    expect(decodeCodeReviewState('labgate-code-review:{"v":1,"dry_run":"ok"}')).toBeUndefined();
    expect(decodeCodeReviewState('labgate-code-review:{"v":2,"dry_run":"passed"}')).toBe(undefined);
    expect(decodeCodeReviewState(encodeApproval(record))).toBeUndefined();
    expect(decodeCodeReviewState(null)).toBeUndefined();
  });
});

describe("isTrustedCheck", () => {
  it("trusts only this app's check runs", () => {
    expect(isTrustedCheck({ app_id: 123 }, { app_id: 123 })).toBe(true);
    expect(isTrustedCheck({ app_id: GITHUB_ACTIONS_APP_ID }, { app_id: 123 })).toBe(false);
    expect(isTrustedCheck({ app_id: null }, { app_id: 123 })).toBe(false);
  });
  it("trusts nothing in Actions mode, where every workflow writes as github-actions", () => {
    expect(isTrustedCheck({ app_id: GITHUB_ACTIONS_APP_ID }, { app_id: null })).toBe(false);
    expect(
      isTrustedCheck({ app_id: GITHUB_ACTIONS_APP_ID }, { app_id: GITHUB_ACTIONS_APP_ID }),
    ).toBe(false);
  });
});

describe("isFork", () => {
  const repo = (id: number) => ({ id, full_name: "lab/study" });
  it("compares repository ids, not names", () => {
    expect(isFork({ head: { repo: repo(1) }, base: { repo: repo(1) } })).toBe(false);
    // A fork renamed to the base's full name is still another repository.
    expect(isFork({ head: { repo: repo(2) }, base: { repo: repo(1) } })).toBe(true);
  });
  it("treats a deleted head repository as a fork", () => {
    expect(isFork({ head: { repo: null }, base: { repo: repo(1) } })).toBe(true);
    expect(isFork({ head: {}, base: { repo: repo(1) } })).toBe(true);
  });
});

describe("listCheckRuns", () => {
  it("reads every page: labgate's check runs on page 2 behind 100 others are found", async () => {
    const api = "https://api.github.com";
    const path = "/repos/lab/study/commits/abc/check-runs";
    const run = (id: number, name: string, appId: number) => ({
      id,
      name,
      head_sha: "abc",
      status: "completed",
      conclusion: "success",
      external_id: "",
      app: { id: appId, slug: appId === 123 ? "labgate" : "github-actions" },
      output: { title: name, summary: "" },
      html_url: `https://github.com/lab/study/runs/${id}`,
    });
    const page1 = Array.from({ length: 100 }, (_, i) => run(1000 + i, `noise/${i}`, 15368));
    const page2 = [run(7, "labgate/definitions", 123)];
    const scope = nock(api)
      .get(path)
      .query({ filter: "all", per_page: "100" })
      .reply(
        200,
        { total_count: 101, check_runs: page1 },
        { link: `<${api}${path}?filter=all&per_page=100&page=2>; rel="next"` },
      )
      .get(path)
      .query({ filter: "all", per_page: "100", page: "2" })
      .reply(200, { total_count: 101, check_runs: page2 });
    const runs = await listCheckRuns(
      createOctokit({ token: "t", retries: 0 }),
      { owner: "lab", repo: "study" },
      "abc",
    );
    scope.done();
    expect(runs).toHaveLength(101);
    expect(runs.find((r) => r.name === "labgate/definitions")).toMatchObject({
      id: 7,
      app_id: 123,
      app_slug: "labgate",
    });
  });
});

describe("approvalRecordCheck", () => {
  it("writes a record on its own phase's check, the record itself as the external_id", () => {
    const full = approvalRecordCheck("b".repeat(40), record);
    expect(full.name).toBe("labgate/phase8");
    expect(full.head_sha).toBe("b".repeat(40));
    expect(decodeApproval(full.external_id)).toEqual(record);
    const pilot = { ...record, phase: "pilot" as const };
    expect(approvalRecordCheck(record.sha, pilot).name).toBe("labgate/pilot-dispatch");
    expect(decodeApproval(approvalRecordCheck(record.sha, pilot).external_id)).toEqual(pilot);
  });

  it("an external_id that is not the prefix and a JSON object is no record", () => {
    expect(decodeApproval("labgate-approval:[1,2]")).toBeUndefined();
    expect(decodeApproval("labgate-approval:null")).toBeUndefined();
    expect(decodeApproval("labgate-approval:{")).toBeUndefined();
    expect(decodeCodeReviewState('labgate-code-review:"pending"')).toBeUndefined();
    expect(decodeCodeReviewState(encodeCodeReviewState({ v: 1, dry_run: "fork" }))).toEqual({
      v: 1,
      dry_run: "fork",
    });
  });
});
