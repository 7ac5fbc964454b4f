import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DASHBOARD_MARKER } from "../../src/app/dashboard/render-dashboard.js";
import { diskWorkspace } from "../../src/operations/disk-workspace.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { serveGatesDispatch } from "./dry-run-helpers.js";
import {
  API,
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
const AGGREGATED = "experiments/results/aggregated.json";

async function expectedGates(): Promise<number> {
  const { verdicts } = await reviewGates({ workspace: diskWorkspace(ROOT), dryRun: "skip" });
  return verdicts.filter((v) => v.gate !== "pilot").length;
}

const H1_EVIDENCE =
  "fusion vs logreg on iris: accuracy 0.973 vs 0.953, Δ +0.02 (better), 95% CI [+0.011, +0.029], p=0.0021 (paired, n=3)";
const H2_EVIDENCE =
  "fusion-no-rank vs fusion on iris: accuracy 0.967 vs 0.973, Δ −0.006 (worse), 95% CI [−0.02, +0.008], p=0.21 (paired, n=3)";

/** aggregated.json as `labgate aggregate` commits it after the full phase (or a pilot's). */
function aggregated(phase: "full" | "pilot"): string {
  const row = (exp_id: string, method: string, mean: number, baseline: string | null) => ({
    exp_id,
    method,
    dataset: "iris",
    metric: "accuracy",
    group: method === "logreg" ? "baseline" : method === "fusion" ? "ours" : "ablation",
    phase,
    n: 3,
    mean,
    std: 0.004,
    min: mean - 0.004,
    max: mean + 0.004,
    best: method === "fusion",
    delta_vs_baseline: baseline ? 0.02 : null,
    baseline,
    direction: "higher",
    direction_source: "hypothesis",
    ci95_low: mean - 0.01,
    ci95_high: mean + 0.01,
    change: baseline ? "better" : null,
    delta_ci95_low: baseline ? 0.011 : null,
    delta_ci95_high: baseline ? 0.029 : null,
    p_value: baseline ? 0.0021 : null,
    test: baseline ? "paired" : null,
  });
  return `${JSON.stringify(
    {
      project: "fusion",
      generated: "2026-05-01T11:00:00Z",
      source_commits: [HEAD],
      hypotheses: [
        {
          id: "H1",
          claim:
            "Combinatorial fusion of logistic regression, k-NN and naive Bayes is at least as accurate as logistic regression alone",
          metric: "accuracy",
          direction: "higher",
          verdict: "supported",
          evidence: H1_EVIDENCE,
        },
        {
          id: "H2",
          claim: "Rank combination contributes to fusion: removing it lowers accuracy",
          metric: "accuracy",
          direction: "higher",
          verdict: "inconclusive",
          evidence: H2_EVIDENCE,
        },
      ],
      rows: [
        row("full-logreg-iris", "logreg", 0.953, null),
        row("full-fusion-iris", "fusion", 0.973, "logreg"),
      ],
    },
    null,
    2,
  )}\n`;
}

/**
 * A PR review (reopened) on the example campaign with `extra` files at the head; returns the
 * dashboard body GitHub received and the paths the GraphQL batches asked for. The review reads
 * the head in exactly two GraphQL requests, aggregated.json included (`serveFiles` answers two).
 */
async function dashboardWith(extra: Record<string, string>) {
  const gates = await expectedGates();
  const app = await testApp();
  let body = "";
  const scope = withToken(nock(API));
  serveGatesDispatch(scope);
  const asked = serveFiles(scope, { ...exampleFiles(), ...extra }, 2);
  serveOwnChecks(scope);
  scope
    .post(`${R}/check-runs`)
    .times(gates)
    .reply(201, { id: 1 })
    .get(`${R}/commits/${HEAD}/check-runs`)
    .query(true)
    .reply(200, checkRunsReply([]))
    .get(`${R}/issues/2/comments`)
    .query(true)
    .reply(200, [])
    .post(`${R}/issues/2/comments`, (b) => {
      body = b.body;
      return true;
    })
    .reply(201, { id: 10 });
  await app.receive("pull_request", pullRequestEvent("reopened"));
  scope.done();
  expect(body.startsWith(DASHBOARD_MARKER)).toBe(true);
  return { body, asked };
}

describe("the dashboard shows the committed full-phase hypothesis verdicts", () => {
  it("reads aggregated.json at the head in the review's second GraphQL batch and shows each verdict with its evidence", async () => {
    const { body, asked } = await dashboardWith({ [AGGREGATED]: aggregated("full") });
    expect(asked).toContain(AGGREGATED);
    expect(body).toContain(
      [
        "### Hypotheses (from the full-phase results)",
        "",
        "| hypothesis | verdict | evidence |",
        "| --- | --- | --- |",
        `| H1: Combinatorial fusion of logistic regression, k-NN and naive Bayes is at least as accurate as logistic regression alone | ✅ supported | ${H1_EVIDENCE} |`,
        `| H2: Rank combination contributes to fusion: removing it lowers accuracy | ❔ inconclusive | ${H2_EVIDENCE} |`,
      ].join("\n"),
    );
  });

  it("no aggregated.json at the head: no verdict section", async () => {
    const { body, asked } = await dashboardWith({});
    expect(asked).toContain(AGGREGATED);
    expect(body).toContain("**Next step:**");
    expect(body).not.toContain("### Hypotheses");
  });

  it("an aggregated.json that is not JSON, or holds no rows array: no verdict section, and the review still posts its dashboard", async () => {
    for (const text of ['{"rows": [', '{"hypotheses": "all supported"}']) {
      const { body } = await dashboardWith({ [AGGREGATED]: text });
      expect(body).toContain("**Next step:**");
      expect(body).not.toContain("### Hypotheses");
      nock.cleanAll();
    }
  });

  it("verdicts that are not the expected shape are not shown", async () => {
    const bad = JSON.parse(aggregated("full"));
    bad.hypotheses[0].verdict = "proven";
    const { body } = await dashboardWith({ [AGGREGATED]: JSON.stringify(bad) });
    expect(body).not.toContain("### Hypotheses");
    expect(body).not.toContain("proven");
  });

  it("an aggregate of pilot runs only is not shown as full-phase results", async () => {
    const { body } = await dashboardWith({ [AGGREGATED]: aggregated("pilot") });
    expect(body).not.toContain("### Hypotheses");
    expect(body).not.toContain(H1_EVIDENCE);
  });
});
