import type nock from "nock";
import { gatesRunTitle } from "../../src/app/dry-run/gates-run-title.js";
import { BASE_REF, example, HEAD, R } from "./harness.js";

export const GATES_PATH = ".github/workflows/labgate-gates.yml";
export const GATES_RUN_URL = "https://github.com/Codertocat/Hello-World/actions/runs/1589141559";

/** `GET /repos/{o}/{r}`: where the app reads the default branch (never from a PR). */
export function serveRepository(scope: nock.Scope, optional = false): nock.Scope {
  const get = scope.get(R);
  return (optional ? get.optionally() : get).reply(200, {
    id: 186853002,
    default_branch: BASE_REF,
  });
}

/**
 * What a PR review now also does: dispatch the gates workflow on the default branch (named by the
 * webhook payload's `repository.default_branch`, so no `GET /repos/{o}/{r}`) with the PR and its
 * head. Returns the dispatch bodies GitHub received.
 */
export function serveGatesDispatch(scope: nock.Scope, status = 204): any[] {
  const bodies: any[] = [];
  scope
    .post(`${R}/actions/workflows/labgate-gates.yml/dispatches`, (b) => bodies.push(b) > 0)
    .reply(status, status === 204 ? undefined : { message: "Not Found" });
  return bodies;
}

/**
 * The real `workflow_run` `completed` example of a workflow_dispatch run, adapted to a gates run
 * of PR #2 at HEAD in this repository; `change` makes it a forgery.
 */
export function gatesRunCompleted(
  change: (run: Record<string, any>, payload: Record<string, any>) => void = () => {},
): Record<string, any> {
  const p = example(
    "workflow_run",
    (e) => e.action === "completed" && e.workflow_run.event === "workflow_dispatch",
  );
  p.installation = { id: 1 };
  const run = p.workflow_run;
  run.repository = structuredClone(p.repository);
  run.head_repository = structuredClone(p.repository);
  run.name = "labgate gates";
  run.path = GATES_PATH;
  run.head_branch = BASE_REF;
  run.display_title = gatesRunTitle({ pr: 2, sha: HEAD });
  run.status = "completed";
  run.conclusion = "success";
  run.html_url = GATES_RUN_URL;
  change(run, p);
  return p;
}

/** `GET /actions/runs/{id}/jobs?filter=latest`: the gates run's one job. */
export function serveJobs(scope: nock.Scope, runId: number, conclusion: string): nock.Scope {
  return scope
    .get(`${R}/actions/runs/${runId}/jobs`)
    .query({ filter: "latest", per_page: "100" })
    .reply(200, {
      total_count: 1,
      jobs: [
        {
          id: 77,
          name: "dry-run",
          status: "completed",
          conclusion,
          html_url: `${GATES_RUN_URL}/job/77`,
        },
      ],
    });
}

/** The contents API at any ref over `files` (404 for others), for reads outside a GraphQL batch. */
export function serveContents(scope: nock.Scope, files: Record<string, string>): nock.Scope {
  return scope
    .get(new RegExp(`^${R}/contents/`))
    .query(true)
    .optionally()
    .times(20)
    .reply((uri) => {
      const path = decodeURIComponent(uri.split("/contents/")[1]?.split("?")[0] ?? "");
      const text = files[path];
      return text === undefined
        ? [404, { message: "Not Found" }]
        : [
            200,
            { type: "file", encoding: "base64", content: Buffer.from(text).toString("base64") },
          ];
    });
}
