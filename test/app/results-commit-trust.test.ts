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
  OWNER,
  pullRequestEvent,
  R,
  REPO,
  serveFiles,
  serveOwnChecks,
  testApp,
  withToken,
} from "./harness.js";

/**
 * The attack (docs/security.md, "Results commits carry an approval only when labgate made them"):
 * after `/approve-phase8`, the PR's author pushes a commit that touches only the results directory
 * (a forged aggregated.json with the verdicts they want). Paths alone would carry the approval
 * over it; only labgate's own results commit (the aggregate job's, made by GitHub for
 * github-actions[bot] and signed by GitHub) may.
 */
beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const AGGREGATED = "experiments/results/aggregated.json";

async function expectedGates(): Promise<number> {
  const { verdicts } = await reviewGates({ workspace: diskWorkspace(ROOT), dryRun: "skip" });
  return verdicts.filter((v) => v.gate !== "pilot").length;
}

const approved = encodeApproval({
  v: 1,
  pr: 2,
  sha: BEFORE,
  phase: "full",
  by: "octocat",
  at: "t0",
  state: "approved",
});

/** The verdicts the author wants the reviewer to see. */
const FORGED = `${JSON.stringify({
  project: "fusion",
  generated: "2026-05-01T11:00:00Z",
  source_commits: [BEFORE],
  hypotheses: [
    {
      id: "H1",
      claim: "Fusion beats logistic regression",
      metric: "accuracy",
      direction: "higher",
      verdict: "supported",
      evidence: "FORGED: fusion vs logreg 0.99 vs 0.90, p=1e-9",
    },
  ],
  rows: [{ exp_id: "full-fusion-iris", metric: "accuracy", n: 3, mean: 0.99, phase: "full" }],
})}\n`;

/** The dispatch run labgate's results commit names (`Labgate-Run`). */
const DISPATCH_RUN = 900;
const runUrl = (id: number) => `https://github.com/${OWNER}/${REPO}/actions/runs/${id}`;
const RESULTS_MESSAGE = `labgate: results (full)\n\nLabgate-Source-Commit: ${BEFORE}\nLabgate-Run: ${runUrl(DISPATCH_RUN)}\n`;

/** A workflow run as `GET .../actions/runs/{id}` answers it: by default the approval's dispatch run. */
function workflowRun(id: number, over: Record<string, unknown> = {}) {
  return {
    id,
    path: ".github/workflows/labgate-dispatch.yml",
    head_branch: BASE_REF,
    event: "workflow_dispatch",
    display_title: `labgate dispatch: PR #2 at ${BEFORE} (full, wave 1)`,
    created_at: "2026-05-01T10:00:00Z",
    ...over,
  };
}

/** A commit as the compare API lists it. */
function commit(
  sha: string,
  who: { author: string | null; committer: string | null; name?: string },
  verification: { verified: boolean; reason: string },
  message = "results",
) {
  const name = who.name ?? who.author ?? "someone";
  return {
    sha,
    author: who.author === null ? null : { login: who.author, type: "User" },
    committer: who.committer === null ? null : { login: who.committer, type: "User" },
    commit: {
      author: { name, email: `${name}@example.com`, date: "2026-05-01T11:00:00Z" },
      committer: { name, email: `${name}@example.com`, date: "2026-05-01T11:00:00Z" },
      message,
      verification: { ...verification, signature: null, payload: null },
    },
  };
}

/**
 * The aggregate job's results commit: made through the Git Data API with GITHUB_TOKEN and no
 * author or committer, so GitHub authors it as github-actions[bot], commits it as itself
 * (`web-flow`, `GitHub <noreply@github.com>`) and signs it.
 */
const labgateResults = commit(
  HEAD,
  { author: "github-actions[bot]", committer: "web-flow" },
  { verified: true, reason: "valid" },
  RESULTS_MESSAGE,
);

/**
 * A synchronize from BEFORE (approved) to HEAD whose commits are `commits`, touching only results
 * files; HEAD holds the forged aggregated.json. Returns the labgate/phase8 check runs posted and
 * the dashboard.
 */
async function pushResultsOnly(
  commits: unknown[],
  total = commits.length,
  runs: Record<number, object> = { [DISPATCH_RUN]: workflowRun(DISPATCH_RUN) },
) {
  const gates = await expectedGates();
  const app = await testApp();
  const phase8: any[] = [];
  let dashboard = "";
  const scope = withToken(nock(API));
  serveGatesDispatch(scope);
  serveFiles(scope, { ...exampleFiles(), [AGGREGATED]: FORGED }, 2);
  serveOwnChecks(scope);
  scope
    .post(`${R}/check-runs`, (b) => b.name !== "labgate/phase8")
    .times(gates)
    .reply(201, { id: 1 })
    .get(`${R}/commits/${BEFORE}/check-runs`)
    .query(true)
    .reply(
      200,
      checkRunsReply([
        checkRun(500, "labgate/phase8", {
          status: "in_progress",
          conclusion: null,
          external_id: approved,
        }),
      ]),
    )
    .get(`${R}/compare/${BEFORE}...${HEAD}`)
    .reply(200, {
      status: "ahead",
      ahead_by: total,
      total_commits: total,
      commits,
      files: [{ filename: AGGREGATED }, { filename: "dispatch/state.json" }],
    });
  // Read only when every commit passed the identity rule (and once a run).
  for (const [id, run] of Object.entries(runs))
    scope.get(`${R}/actions/runs/${id}`).optionally().reply(200, run);
  scope
    .post(`${R}/check-runs`, (b) => {
      phase8.push(b);
      return b.name === "labgate/phase8";
    })
    .times(2)
    .optionally()
    .reply(201, () => ({ id: 600 + phase8.length }))
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
  expect(dashboard.startsWith(DASHBOARD_MARKER)).toBe(true);
  return { phase8, dashboard };
}

function expectVoided(phase8: any[], dashboard: string) {
  expect(phase8.map((c) => c.head_sha)).toEqual([HEAD, BEFORE]);
  for (const c of phase8) {
    expect(c).toMatchObject({ status: "completed", conclusion: "neutral" });
    expect(decodeApproval(c.external_id)?.state).toBe("voided");
  }
  expect(dashboard).toContain("was voided");
  expect(dashboard).not.toContain("approved by @octocat");
  // The forged verdicts are not shown as the full phase's results.
  expect(dashboard).not.toContain("Hypotheses (from the full-phase results)");
  expect(dashboard).not.toContain("FORGED");
}

describe("a results-only push carries the approval only when labgate made it", () => {
  it("the PR's author pushes a forged aggregated.json: the approval is voided on the new head and the approved commit, naming the commit and its author, and the dashboard shows no verdicts", async () => {
    const { phase8, dashboard } = await pushResultsOnly([
      commit(
        HEAD,
        { author: "mallory", committer: "mallory" },
        { verified: false, reason: "unsigned" },
      ),
    ]);
    expectVoided(phase8, dashboard);
    const summary = phase8[0].output.summary as string;
    expect(summary).toContain(`\`${HEAD.slice(0, 7)}\` by @mallory, committed by @mallory`);
    expect(dashboard).toContain(`\`${HEAD.slice(0, 7)}\` by @mallory, committed by @mallory`);
  });

  it("a commit that claims github-actions[bot] as author and GitHub as committer (their emails) but that GitHub does not verify: voided", async () => {
    const { phase8, dashboard } = await pushResultsOnly([
      commit(
        HEAD,
        { author: "github-actions[bot]", committer: "web-flow" },
        { verified: false, reason: "unsigned" },
      ),
    ]);
    expectVoided(phase8, dashboard);
    expect(phase8[0].output.summary).toContain(
      `\`${HEAD.slice(0, 7)}\` by @github-actions[bot], committed by @web-flow, which GitHub does not verify (unsigned)`,
    );
  });

  it("a commit that claims github-actions[bot] as its committer too, unverified: voided", async () => {
    const { phase8, dashboard } = await pushResultsOnly([
      commit(
        HEAD,
        { author: "github-actions[bot]", committer: "github-actions[bot]" },
        { verified: false, reason: "unsigned" },
      ),
    ]);
    expectVoided(phase8, dashboard);
    expect(phase8[0].output.summary).toContain("which GitHub does not verify (unsigned)");
  });

  it("the author's edit in GitHub's web editor (signed by GitHub, committed by web-flow): voided", async () => {
    const { phase8, dashboard } = await pushResultsOnly([
      commit(
        HEAD,
        { author: "mallory", committer: "web-flow" },
        { verified: true, reason: "valid" },
      ),
    ]);
    expectVoided(phase8, dashboard);
    expect(phase8[0].output.summary).toContain(
      `\`${HEAD.slice(0, 7)}\` by @mallory, committed by @web-flow`,
    );
  });

  it("a commit claiming github-actions[bot] as author, signed with the author's own key (verified for its committer): voided", async () => {
    const { phase8, dashboard } = await pushResultsOnly([
      commit(
        HEAD,
        { author: "github-actions[bot]", committer: "mallory" },
        { verified: true, reason: "valid" },
      ),
    ]);
    expectVoided(phase8, dashboard);
    expect(phase8[0].output.summary).toContain(
      `\`${HEAD.slice(0, 7)}\` by @github-actions[bot], committed by @mallory`,
    );
  });

  it("labgate's results commit, then the author's on top: voided, naming only the author's", async () => {
    const { phase8, dashboard } = await pushResultsOnly([
      { ...labgateResults, sha: "a".repeat(40) },
      commit(
        HEAD,
        { author: null, committer: null, name: "Mallory" },
        { verified: false, reason: "unsigned" },
      ),
    ]);
    expectVoided(phase8, dashboard);
    const summary = phase8[0].output.summary as string;
    expect(summary).toContain(
      `\`${HEAD.slice(0, 7)}\` by "Mallory", committed by an account GitHub does not know`,
    );
    expect(summary).not.toContain("aaaaaaa");
  });

  it("more commits than the compare API lists: voided (labgate cannot check who made each)", async () => {
    const { phase8, dashboard } = await pushResultsOnly([labgateResults], 251);
    expectVoided(phase8, dashboard);
    expect(phase8[0].output.summary).toContain("holds 251 commits, more than GitHub lists (250)");
  });

  // Any workflow's GITHUB_TOKEN commits as github-actions[bot], committed by web-flow and verified
  // (docs/security.md, "What this does not close"): a PR's own `pull_request` workflow too. Only
  // the Labgate-Run trailer naming a dispatch run of this PR and commit tells labgate's apart.
  const botCommit = (message: string) =>
    commit(
      HEAD,
      { author: "github-actions[bot]", committer: "web-flow" },
      { verified: true, reason: "valid" },
      message,
    );
  const naming = (id: number) => `update results\n\nLabgate-Run: ${runUrl(id)}\n`;
  it.each([
    ["no Labgate-Run trailer", "update results\n", {}, "has 0 Labgate-Run trailers, not one"],
    [
      "a trailer naming a run of the PR's own workflow",
      naming(66),
      { 66: workflowRun(66, { path: ".github/workflows/x.yml", event: "pull_request" }) },
      "names run 66 of `.github/workflows/x.yml`, not of the dispatch workflow",
    ],
    [
      "a trailer naming a dispatch run on another branch",
      naming(67),
      { 67: workflowRun(67, { head_branch: "feature" }) },
      `names run 67 on branch \`feature\`, not the default branch \`${BASE_REF}\``,
    ],
    [
      "a trailer naming a dispatch run of another PR",
      naming(68),
      {
        68: workflowRun(68, {
          display_title: `labgate dispatch: PR #3 at ${BEFORE} (full, wave 1)`,
        }),
      },
      "names run 68, which is not a dispatch of PR #2",
    ],
  ])(
    "a verified github-actions[bot]/web-flow commit with %s (a PR's own workflow's): voided",
    async (_what, message, runs, why) => {
      const { phase8, dashboard } = await pushResultsOnly([botCommit(message)], 1, runs);
      expectVoided(phase8, dashboard);
      expect(phase8[0].output.summary).toContain(`\`${HEAD.slice(0, 7)}\` ${why}`);
    },
  );

  it("GitHub failing (5xx) to say what the named run is: nothing is decided, the approval is not voided", async () => {
    const app = await testApp();
    const phase8: any[] = [];
    let asked = 0;
    const scope = withToken(nock(API));
    serveGatesDispatch(scope);
    serveFiles(scope, { ...exampleFiles(), [AGGREGATED]: FORGED }, 2);
    serveOwnChecks(scope);
    scope
      .post(`${R}/check-runs`, (b) => b.name !== "labgate/phase8")
      .times(await expectedGates())
      .optionally()
      .reply(201, { id: 1 })
      .get(`${R}/commits/${BEFORE}/check-runs`)
      .query(true)
      .reply(
        200,
        checkRunsReply([
          checkRun(500, "labgate/phase8", {
            status: "in_progress",
            conclusion: null,
            external_id: approved,
          }),
        ]),
      )
      .get(`${R}/compare/${BEFORE}...${HEAD}`)
      .reply(200, {
        status: "ahead",
        ahead_by: 1,
        total_commits: 1,
        commits: [labgateResults],
        files: [{ filename: AGGREGATED }],
      })
      .get(`${R}/actions/runs/${DISPATCH_RUN}`)
      .reply(() => {
        asked++;
        return [502, { message: "Bad Gateway" }];
      })
      .post(`${R}/check-runs`, (b) => {
        if (b.name === "labgate/phase8") phase8.push(b);
        return b.name === "labgate/phase8";
      })
      .optionally()
      .reply(201, { id: 700 })
      .get(`${R}/issues/2/comments`)
      .query(true)
      .optionally()
      .reply(200, [])
      .post(`${R}/issues/2/comments`)
      .optionally()
      .reply(201, { id: 10 });
    await app.receive("pull_request", pullRequestEvent("synchronize")).catch(() => undefined);
    expect(asked).toBe(1);
    expect(phase8.filter((c) => decodeApproval(c.external_id)?.state === "voided")).toEqual([]);
  });

  it("labgate's own results commit (by github-actions[bot], committed and signed by GitHub): the approval moves to the new head", async () => {
    const { phase8, dashboard } = await pushResultsOnly([labgateResults]);
    expect(phase8).toHaveLength(1);
    expect(phase8[0]).toMatchObject({ head_sha: HEAD, status: "in_progress" });
    expect(decodeApproval(phase8[0].external_id)).toMatchObject({
      sha: BEFORE,
      state: "approved",
    });
    expect(dashboard).toContain("approved by @octocat");
  });
});
