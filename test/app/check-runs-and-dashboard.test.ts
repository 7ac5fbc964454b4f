import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderDashboard } from "../../src/app/dashboard/render-dashboard.js";
import { publishGateChecks } from "../../src/app/publish-gate-checks.js";
import { validateDefinitions } from "../../src/core/definitions/validate-definitions.js";
import type { Verdict } from "../../src/core/gates/verdict.js";
import type { StateEntry } from "../../src/core/state/state-entry.js";
import { createOctokit } from "../../src/github/octokit.js";
import {
  API,
  checkRun,
  exampleFiles,
  HEAD,
  NOW,
  nock,
  OWNER,
  R,
  REPO,
  serveOwnChecks,
} from "./harness.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

const deps = () => ({
  octokit: createOctokit({ token: "t", retries: 0 }),
  repo: { owner: OWNER, repo: REPO },
  log: { info() {}, warn() {}, error() {} },
  clock: () => NOW,
  trust: { app_id: 123 },
});

const verdict = (n: number, extra: Partial<Verdict> = {}): Verdict => ({
  gate: "definitions",
  conclusion: "failure",
  label: "INVALID",
  summary: `${n} error(s); fix them and push again`,
  reasons: Array.from({ length: n }, (_, i) => ({
    severity: "blocking" as const,
    message: `experiments[${i}].seeds: expected an array`,
    file: "experiments/definitions.json",
    line: 10 + i,
    column: 5,
  })),
  ...extra,
});

describe("check runs", () => {
  it("snapshot of a check-run body: status, conclusion, title, summary, annotations", async () => {
    const bodies: any[] = [];
    const scope = serveOwnChecks(nock(API))
      .post(`${R}/check-runs`, (b) => bodies.push(b) > 0)
      .reply(201, { id: 1 });
    await publishGateChecks(deps(), HEAD, [verdict(2)]);
    scope.done();
    expect(bodies[0]).toMatchSnapshot();
  });

  it("120 annotations go out 50 at a time: one create and two updates", async () => {
    const batches: number[] = [];
    const scope = serveOwnChecks(nock(API))
      .post(`${R}/check-runs`, (b) => batches.push(b.output.annotations.length) > 0)
      .reply(201, { id: 7 })
      .patch(
        `${R}/check-runs/7`,
        (b) => batches.push(b.output.annotations.length) > 0 && b.output.summary.length > 0,
      )
      .times(2)
      .reply(200, {});
    await publishGateChecks(deps(), HEAD, [verdict(120)]);
    scope.done();
    expect(batches).toEqual([50, 50, 20]);
  });

  it("posted again with the same verdict: this app's check run is updated without its annotations again; another app's is never taken for it", async () => {
    const first: any[] = [];
    nock(API)
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${R}/check-runs`, (b) => first.push(b) > 0)
      .reply(201, { id: 7 });
    await publishGateChecks(deps(), HEAD, [verdict(2)]);
    const posted = first[0];
    const asPosted = (id: number, app?: string) => ({
      ...checkRun(id, "labgate/definitions", {
        conclusion: posted.conclusion,
        title: posted.output.title,
        ...(app ? { app } : {}),
      }),
      output: { title: posted.output.title, summary: posted.output.summary },
    });
    const again: any[] = [];
    const scope = serveOwnChecks(nock(API), HEAD, [asPosted(9, "github-actions"), asPosted(7)])
      .patch(`${R}/check-runs/7`, (b) => again.push(b) > 0)
      .reply(200, {});
    await publishGateChecks(deps(), HEAD, [verdict(2)]);
    scope.done();
    expect(again).toEqual([
      {
        status: "completed",
        conclusion: posted.conclusion,
        completed_at: NOW.toISOString(),
        output: { title: posted.output.title, summary: posted.output.summary },
      },
    ]);

    // A changed verdict gets a check run of its own: an update would keep the old annotations.
    const changed: any[] = [];
    const next = serveOwnChecks(nock(API), HEAD, [asPosted(7)])
      .post(`${R}/check-runs`, (b) => changed.push(b) > 0)
      .reply(201, { id: 8 });
    await publishGateChecks(deps(), HEAD, [verdict(3)]);
    next.done();
    expect(changed[0].output.annotations).toHaveLength(3);
  });

  it("a summary past 65,535 characters is cut with a visible note, never rejected", async () => {
    let summary = "";
    const scope = serveOwnChecks(nock(API))
      .post(`${R}/check-runs`, (b) => {
        summary = b.output.summary;
        return true;
      })
      .reply(201, { id: 1 });
    const huge = verdict(0, { summary: "x".repeat(10), reasons: [] });
    huge.tables = [
      {
        title: "t",
        header: ["a"],
        rows: Array.from({ length: 20_000 }, (_, i) => [`row ${i} ${"y".repeat(20)}`]),
      },
    ];
    await publishGateChecks(deps(), HEAD, [huge]);
    scope.done();
    expect(summary.length).toBeLessThanOrEqual(65_535);
    expect(summary.length).toBeGreaterThan(60_000);
  });
});

describe("lab dashboard", () => {
  it("snapshot on the example campaign with runs done, failed and on hold", () => {
    const result = validateDefinitions(
      "experiments/definitions.json",
      exampleFiles()["experiments/definitions.json"] as string,
    );
    if (!result.loaded) throw new Error("example campaign must validate");
    const full = result.loaded.experiments.filter((e) => e.phase === "full");
    const exp = full[0] as (typeof full)[number];
    const entry = (seed: number, status: StateEntry["status"], reason: string | null): StateEntry =>
      ({
        id: `${exp.id}_s${seed}`,
        exp_id: exp.id,
        phase: "full",
        method: exp.method,
        dataset: exp.dataset,
        status,
        reason,
        run_url:
          status === "done"
            ? null
            : `https://github.com/${OWNER}/${REPO}/actions/runs/77/job/${seed}`,
      }) as StateEntry;
    const body = renderDashboard({
      pr: 2,
      headSha: HEAD,
      definitionsPath: "experiments/definitions.json",
      definitions: result.loaded.definitions,
      experiments: result.loaded.experiments,
      verdicts: [
        {
          gate: "definitions",
          conclusion: "success",
          label: "VALID",
          summary: "12 experiments",
          reasons: [],
        },
        {
          gate: "code-review",
          conclusion: "success",
          label: "CODE_APPROVED",
          summary: "1 script",
          reasons: [],
        },
        {
          gate: "design-debate",
          conclusion: "success",
          label: "PASS",
          summary: "4 PASS",
          reasons: [],
        },
      ],
      pending: [],
      plannedRuns: 36,
      gpuHours: 3.6,
      budgetGpuHours: 12,
      runs: [
        entry(1, "done", null),
        entry(2, "failed", "exit 1: CUDA error"),
        entry(3, "on_hold", "ran past 2 x 0.1 h"),
      ],
      approval: { kind: "approved", by: "octocat", at: "2026-05-01T12:00:00.000Z", sha: HEAD },
    });
    expect(body).toMatchSnapshot();
    expect(body).toContain("exit 1: CUDA error");
    expect(body).toContain("[log](https://github.com/");
  });
});
