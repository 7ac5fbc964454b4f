import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DASHBOARD_MARKER } from "../../src/app/dashboard/render-dashboard.js";
import { encodeCodeReviewState } from "../../src/github/check-run-protocol.js";
import {
  API,
  BASE_REF,
  checkRun,
  checkRunsReply,
  exampleFiles,
  HEAD,
  nock,
  prCommentEvent,
  pullRequestEvent,
  pullRequestResource,
  R,
  serveActivity,
  serveFiles,
  servePolicy,
  testApp,
  withToken,
} from "./harness.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

// issue #11 item 2, docs/security.md "Policy comes from the default branch": the gates' required
// script flags, thresholds and budget are the default branch's `.github/labgate.yml`, so a PR's own
// copy cannot loosen the gates that judge it.

const example = exampleFiles();
const exampleConfig = example[".github/labgate.yml"] as string;

/** The default branch's policy: the example's config with a GPU-hour budget the campaign exceeds. */
const POLICY = `${exampleConfig}\nbudget:\n  gpu_hours: 0.5\n`;

/** The PR's own labgate.yml: `--seed` no longer required, and a budget no campaign reaches. */
const LOOSENED = `${exampleConfig}
gates:
  required_script_flags: [--checkpoint-dir, --resume, --dry-run]
budget:
  gpu_hours: 1000000
`;

/** The PR's experiment: its script takes no `--seed`, its definitions carry no budget of their own. */
function prFiles(labgateYml: string, definitionsBudget?: number): Record<string, string> {
  const defs = JSON.parse(example["experiments/definitions.json"] as string);
  delete defs.budget;
  if (definitionsBudget !== undefined) defs.budget = { gpu_hours: definitionsBudget };
  return {
    ".github/labgate.yml": labgateYml,
    "experiments/definitions.json": `${JSON.stringify(defs, null, 2)}\n`,
    "experiments/scripts/train.py": (example["experiments/scripts/train.py"] as string).replaceAll(
      "--seed",
      "--rng",
    ),
  };
}

/**
 * One `pull_request.opened` of PR #2 at HEAD through the app, the default branch (`master`, as the
 * signed payload names it) holding `policy`, the PR head holding `files`. Returns the check-run
 * bodies GitHub received.
 */
async function reviewWith(policy: string, files: Record<string, string>): Promise<any[]> {
  nock.cleanAll(); // a fresh GitHub for each review
  const app = await testApp();
  const checks: any[] = [];
  const scope = withToken(nock(API));
  // GitHub's files at each ref: the default branch's labgate.yml is `policy`, the head holds
  // `files`. The policy is read in the review's first GraphQL batch, beside the head's files.
  const atRef = (ref: string, path: string) =>
    ref === BASE_REF ? (path === ".github/labgate.yml" ? policy : undefined) : files[path];
  const policyReads: string[] = [];
  const headReads: string[] = [];
  scope
    .post("/graphql")
    .times(2)
    .reply(200, (_uri, body: any) => {
      const repository: Record<string, unknown> = {};
      for (const m of (body.query as string).matchAll(/(f\d+): object\(expression: "([^"]+)"\)/g)) {
        const [ref, ...rest] = (m[2] as string).split(":");
        const path = rest.join(":");
        if (ref === BASE_REF) policyReads.push(path);
        else headReads.push(path);
        const text = atRef(ref as string, path);
        repository[m[1] as string] =
          text === undefined ? null : { text, byteSize: Buffer.byteLength(text), isBinary: false };
      }
      return { data: { repository } };
    });
  scope
    // The head's own check runs, where the review looks for ones it already posted.
    .get(`${R}/commits/${HEAD}/check-runs`)
    .query(true)
    .optionally()
    .reply(200, { total_count: 0, check_runs: [] })
    .post(`${R}/actions/workflows/labgate-gates.yml/dispatches`, (b) => b.ref === BASE_REF)
    .optionally()
    .reply(204)
    .post(`${R}/check-runs`, (b) => {
      checks.push(b);
      return b.head_sha === HEAD;
    })
    .times(3)
    .reply(201, (_u, _b) => ({ id: 100 + checks.length }))
    .get(`${R}/issues/2/comments`)
    .query(true)
    .reply(200, [])
    .post(`${R}/issues/2/comments`, (b) => b.body.startsWith(DASHBOARD_MARKER))
    .reply(201, { id: 10 });
  await app.receive("pull_request", pullRequestEvent("opened"));
  scope.done();
  expect(policyReads).toEqual([".github/labgate.yml"]);
  // The head's own labgate.yml is not even read; its definitions and script are.
  expect(headReads).toEqual(
    expect.arrayContaining(["experiments/definitions.json", "experiments/scripts/train.py"]),
  );
  expect(headReads).not.toContain(".github/labgate.yml");
  return checks;
}

const byName = (checks: any[], name: string) => checks.find((c) => c.name === name);

describe("a PR's own labgate.yml cannot loosen its gates", () => {
  it("a PR that drops --seed from the required flags and raises the budget gets the default branch's failing verdicts", async () => {
    const attacked = await reviewWith(POLICY, prFiles(LOOSENED));
    const honest = await reviewWith(POLICY, prFiles(POLICY));

    const review = byName(attacked, "labgate/code-review");
    expect(review.conclusion).toBe("failure");
    expect(review.output.summary).toContain("--seed");
    const debate = byName(attacked, "labgate/design-debate");
    expect(debate.conclusion).toBe("failure");
    expect(debate.output.summary).toMatch(/exceed the budget of 0\.5/);

    // The same bodies, check for check, as when the PR leaves the default branch's policy alone.
    expect(attacked.map((c) => c.name)).toEqual(honest.map((c) => c.name));
    expect(attacked).toEqual(honest);
  });

  it("a PR whose definitions.json raises its own budget above the default branch's: the policy's budget still binds", async () => {
    const attacked = await reviewWith(POLICY, prFiles(POLICY, 1_000_000));
    const debate = byName(attacked, "labgate/design-debate");
    expect(debate.conclusion).toBe("failure");
    expect(debate.output.summary).toMatch(/exceed the budget of 0\.5/);
    // definitions.json may still lower it: a budget below the policy's is the one that binds.
    const lower = await reviewWith(exampleConfig, prFiles(exampleConfig, 0.25));
    expect(byName(lower, "labgate/design-debate").output.summary).toMatch(
      /exceed the budget of 0\.3/, // the Skeptic prints one decimal
    );
  });

  it("the PR's own stricter config does not apply either: the default branch's policy judges", async () => {
    // Without the default branch's budget the campaign is within budget; a PR cannot add gates it
    // likes any more than remove those it dislikes (the checks are the repository's, not the PR's).
    const open = await reviewWith(exampleConfig, prFiles(POLICY));
    const debate = byName(open, "labgate/design-debate");
    expect(debate.output.summary).not.toMatch(/exceed the budget/);
    // --seed is still required by the default branch's (default) flags.
    expect(byName(open, "labgate/code-review").conclusion).toBe("failure");
  });
});

describe("an invalid policy fails closed", () => {
  it("the default branch's labgate.yml is invalid: every gate fails naming that file, whatever the PR's own says", async () => {
    const checks = await reviewWith("gates:\n  min_seeds: zero\n", prFiles(exampleConfig));
    expect(checks.map((c) => [c.name, c.conclusion])).toEqual([
      ["labgate/definitions", "failure"],
      ["labgate/code-review", "failure"],
      ["labgate/design-debate", "failure"],
    ]);
    const definitions = byName(checks, "labgate/definitions");
    expect(definitions.output.summary).toContain(`${BASE_REF}:.github/labgate.yml`);
    expect(definitions.output.summary).toContain("gates.min_seeds");
  });
});

describe("Actions mode: the gates recomputed for /approve-phase8 obey the default branch's policy", () => {
  it("a PR whose labgate.yml drops --seed and raises the budget, under github-actions' green checks: refused with the default branch's verdicts", async () => {
    const app = await testApp({ trust: { app_id: null } });
    const replies: string[] = [];
    const scope = servePolicy(
      withToken(nock(API)).get(`${R}/pulls/2`).reply(200, pullRequestResource()),
      POLICY,
    )
      .get(`${R}/collaborators/Codertocat/permission`)
      .reply(200, { permission: "admin", role_name: "admin" })
      // Green checks as any workflow's GITHUB_TOKEN can post them: they count for nothing here.
      .get(`${R}/commits/${HEAD}/check-runs`)
      .query({ filter: "all", per_page: "100" })
      .reply(
        200,
        checkRunsReply([
          checkRun(23, "labgate/code-review", {
            app: "github-actions",
            external_id: encodeCodeReviewState({ v: 1, dry_run: "passed" }),
          }),
          checkRun(22, "labgate/design-debate", { app: "github-actions" }),
          checkRun(21, "labgate/definitions", { app: "github-actions" }),
        ]),
      );
    serveActivity(scope);
    // The gates' recompute (2 batches), then the campaign's estimate for the refusal.
    serveFiles(scope, prFiles(LOOSENED), 3);
    scope
      .post(`${R}/issues/comments/492700400/reactions`, (b) => b.content === "-1")
      .reply(201, {})
      .post(`${R}/issues/2/comments`, (b) => replies.push(b.body) > 0)
      .reply(201, { id: 1 });
    await app.receive("issue_comment", prCommentEvent("/approve-phase8"));
    scope.done();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain("Not approved: every gate must be green");
    expect(replies[0]).toMatch(
      /`labgate\/code-review` is failure \(CODE_REVISE: .+\), recomputed from the files at this commit/,
    );
    expect(replies[0]).toMatch(/`labgate\/design-debate` is failure \(REJECT: .+\)/);
  });
});
