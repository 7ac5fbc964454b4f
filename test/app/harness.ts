import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import examples from "@octokit/webhooks-examples";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { dispatchRunTitle } from "../../src/app/approval/dispatch-run-title.js";
import { createLabgateApp } from "../../src/app/create-app.js";
import { createWorkQueue, type WorkQueue } from "../../src/app/work-queue.js";
import {
  type CheckTrust,
  decodeApproval,
  encodeCodeReviewState,
} from "../../src/github/check-run-protocol.js";

export const API = "https://api.github.com";
export const OWNER = "Codertocat";
export const REPO = "Hello-World";
export const R = `/repos/${OWNER}/${REPO}`;
export const HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
export const BEFORE = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e";
export const BASE_REF = "master";
export const HEAD_REF = "changes";
export const NOW = new Date("2026-05-01T12:00:00Z");
/** The test app's id: only check runs with this `app.id` are labgate's. */
export const APP_ID = 123;

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
export const PRIVATE_KEY = privateKey;

export interface TestApp {
  probot: Probot;
  queue: WorkQueue;
  errors: unknown[];
  /** Delivers an event as Probot does after verification, then waits for the queued work. */
  receive(name: string, payload: unknown, id?: string): Promise<void>;
}

/**
 * The STYLE.md recipe: a Probot with retry and throttling off, logging silenced. It trusts the
 * check runs of app APP_ID, as a server with `APP_ID=123` would; `trust: { app_id: null }` is
 * Actions mode.
 */
export async function testApp(opts: { trust?: CheckTrust } = {}): Promise<TestApp> {
  const errors: unknown[] = [];
  const queue = createWorkQueue((err) => errors.push(err));
  const probot = new Probot({
    appId: 123,
    privateKey: PRIVATE_KEY,
    secret: "test-secret",
    logLevel: "fatal",
    // The function form: Probot merges its own throttle options over a plain object.
    Octokit: ProbotOctokit.defaults((o: object) => ({
      ...o,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  await probot.load(
    createLabgateApp({ queue, clock: () => NOW, trust: opts.trust ?? { app_id: APP_ID } }),
  );
  return {
    probot,
    queue,
    errors,
    async receive(name, payload, id = "delivery-1") {
      await probot.receive({ id, name, payload } as never);
      await queue.idle();
      if (errors.length > 0) throw errors[0];
    },
  };
}

/** An installation token for installation 1 (Probot asks once per app instance). */
export function withToken(scope: nock.Scope): nock.Scope {
  return scope
    .post("/app/installations/1/access_tokens")
    .reply(200, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {} });
}

type Example = { name: string; examples: Record<string, any>[] };
const all = examples as unknown as Example[];

/** A real payload from @octokit/webhooks-examples, deep-copied for a test to adapt. */
export function example(
  name: string,
  pick: (p: Record<string, any>) => boolean,
): Record<string, any> {
  const found = all.find((e) => e.name === name)?.examples.find(pick);
  if (!found) throw new Error(`no ${name} example`);
  return structuredClone(found);
}

export function pullRequestEvent(action: string): Record<string, any> {
  const p = example("pull_request", (e) => e.action === "synchronize");
  p.action = action;
  if (action !== "synchronize") {
    delete p.before;
    delete p.after;
  }
  return p;
}

/** The real issue_comment `created` example, on a PR (GitHub adds `issue.pull_request`). */
export function prCommentEvent(
  body: string,
  opts: { action?: string; login?: string; type?: string } = {},
) {
  const p = example("issue_comment", (e) => e.action === (opts.action ?? "created"));
  p.issue.number = 2;
  p.issue.pull_request = { url: `${API}${R}/pulls/2` };
  p.comment.body = body;
  p.installation = { id: 1 };
  if (opts.login) {
    p.sender.login = opts.login;
    p.comment.user.login = opts.login;
  }
  if (opts.type) {
    p.sender.type = opts.type;
    p.comment.user.type = opts.type;
  }
  return p;
}

/** The pull request as `GET /pulls/2` returns it (from the real pull_request example). */
export function pullRequestResource(
  opts: { fork?: boolean; author?: string; state?: string } = {},
) {
  const pr = pullRequestEvent("synchronize").pull_request;
  if (opts.fork)
    pr.head.repo = { ...pr.head.repo, id: pr.base.repo.id + 1, full_name: "someone/Hello-World" };
  if (opts.author) pr.user.login = opts.author;
  if (opts.state) pr.state = opts.state;
  return pr;
}

const repoFile = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), "utf8");

/** The example campaign's files, as the repository at HEAD holds them. */
export function exampleFiles(): Record<string, string> {
  return {
    ".github/labgate.yml": repoFile(".github/labgate.yml"),
    "experiments/definitions.json": repoFile("experiments/definitions.json"),
    "experiments/scripts/train.py": repoFile("experiments/scripts/train.py"),
  };
}

/**
 * Serves file reads: GraphQL batches (`object(expression: "sha:path")`) and, for anything a gate
 * asks for afterwards, the contents API. Returns the paths GraphQL was asked for.
 */
export function serveFiles(scope: nock.Scope, files: Record<string, string>, graphqlCalls: number) {
  const asked: string[] = [];
  scope
    .post("/graphql", (body) => typeof body.query === "string" && body.variables?.owner === OWNER)
    .times(graphqlCalls)
    .reply(200, (_uri, body: any) => {
      const repository: Record<string, unknown> = {};
      for (const m of (body.query as string).matchAll(/(f\d+): object\(expression: "([^"]+)"\)/g)) {
        const path = (m[2] as string).split(":").slice(1).join(":");
        asked.push(path);
        const text = files[path];
        repository[m[1] as string] =
          text === undefined ? null : { text, byteSize: Buffer.byteLength(text), isBinary: false };
      }
      return { data: { repository } };
    });
  scope
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
            {
              type: "file",
              size: text.length,
              encoding: "base64",
              content: Buffer.from(text).toString("base64"),
            },
          ];
    });
  return asked;
}

export function checkRunsReply(runs: Record<string, unknown>[]) {
  return { total_count: runs.length, check_runs: runs };
}

/** A check run as GitHub lists it. */
export function checkRun(
  id: number,
  name: string,
  fields: {
    status?: string;
    conclusion?: string | null;
    external_id?: string;
    title?: string;
    /** The slug of the app that wrote it: `labgate` (this app) unless told. */
    app?: string;
    /** Its id: APP_ID for `labgate`, 15368 for `github-actions`, unless told. */
    appId?: number;
  } = {},
) {
  const app = fields.app ?? "labgate";
  return {
    id,
    name,
    head_sha: HEAD,
    status: fields.status ?? "completed",
    conclusion: fields.conclusion === undefined ? "success" : fields.conclusion,
    external_id: fields.external_id ?? "",
    app: {
      id: fields.appId ?? (app === "labgate" ? APP_ID : app === "github-actions" ? 15368 : 999),
      slug: app,
    },
    output: { title: fields.title ?? `${name} ok`, summary: "" },
    html_url: `https://github.com/${OWNER}/${REPO}/runs/${id}`,
  };
}

/** Every gate green, as this app writes them: code review with its dry-run report `passed`. */
export const GREEN_CHECKS = [
  checkRun(13, "labgate/code-review", {
    title: "CODE_APPROVED",
    external_id: encodeCodeReviewState({ v: 1, dry_run: "passed" }),
  }),
  checkRun(12, "labgate/design-debate"),
  checkRun(11, "labgate/code-review", {
    conclusion: "neutral",
    title: "CODE_APPROVED — dry-run pending",
    external_id: encodeCodeReviewState({ v: 1, dry_run: "pending" }),
  }),
  checkRun(10, "labgate/definitions"),
];

/**
 * The policy read (`loadContext`): `GET /repos/{o}/{r}` names the default branch, whose
 * `.github/labgate.yml` is read.
 */
export function servePolicy(scope: nock.Scope, text: string, defaultBranch = BASE_REF) {
  return scope
    .get(R)
    .reply(200, { id: 1296269, full_name: `${OWNER}/${REPO}`, default_branch: defaultBranch })
    .get(`${R}/contents/.github%2Flabgate.yml`)
    .query({ ref: defaultBranch })
    .reply(200, {
      type: "file",
      size: text.length,
      encoding: "base64",
      content: Buffer.from(text).toString("base64"),
    });
}

/** When the comment example was written (`comment.created_at` of the issue_comment example). */
export const COMMENTED_AT = "2019-05-15T15:20:21Z";

/**
 * The PR branch's pushes as the repository activity API lists them, newest first; by default one
 * push of HEAD a minute before the comment was written.
 */
export function serveActivity(
  scope: nock.Scope,
  pushes: { after: string; timestamp: string; activity_type?: string }[] = [
    { after: HEAD, timestamp: "2019-05-15T15:19:21Z" },
  ],
) {
  return scope
    .get(`${R}/activity`)
    .query({ ref: `refs/heads/${HEAD_REF}`, direction: "desc", per_page: "100" })
    .reply(
      200,
      pushes.map((p, i) => ({
        id: 9000 - i,
        node_id: `A_${i}`,
        before: BEFORE,
        after: p.after,
        ref: `refs/heads/${HEAD_REF}`,
        timestamp: p.timestamp,
        activity_type: p.activity_type ?? "push",
        actor: { login: "Codertocat" },
      })),
    );
}

export { nock };

/** A run of the dispatch workflow as `GET .../workflows/{file}/runs` lists it: labgate's for PR #2. */
export function dispatchRun(
  id: number,
  opts: {
    status?: string;
    conclusion?: string | null;
    pr?: number;
    sha?: string;
    branch?: string;
    event?: string;
    title?: string;
  } = {},
) {
  return {
    id,
    status: opts.status ?? "completed",
    conclusion: opts.conclusion === undefined ? "failure" : opts.conclusion,
    html_url: `https://github.com/${OWNER}/${REPO}/actions/runs/${id}`,
    head_sha: "d".repeat(40),
    event: opts.event ?? "workflow_dispatch",
    head_branch: opts.branch ?? BASE_REF,
    display_title:
      opts.title ?? dispatchRunTitle({ pr: opts.pr ?? 2, sha: opts.sha ?? HEAD, phase: "full" }),
  };
}

/** The query labgate lists the dispatch workflow's runs with: the default branch's dispatches. */
export const DISPATCH_RUNS_QUERY = {
  branch: BASE_REF,
  event: "workflow_dispatch",
  per_page: "100",
};

/**
 * After its dispatch went out, the approval's `labgate/phase8` check run (`id`) is updated from
 * `dispatching` to `approved`; the bodies are kept in `into`.
 */
export function markedApproved(scope: nock.Scope, id = 500, into: any[] = []): nock.Scope {
  return scope
    .patch(`${R}/check-runs/${id}`, (b) => {
      into.push(b);
      return b.status === "in_progress" && decodeApproval(b.external_id)?.state === "approved";
    })
    .reply(200, {});
}

/**
 * The gate checks' read of this app's own check runs on `sha` before posting (a replayed review
 * updates them instead of adding more): `runs`, none by default.
 */
export function serveOwnChecks(
  scope: nock.Scope,
  sha = HEAD,
  runs: Record<string, unknown>[] = [],
): nock.Scope {
  return scope
    .get(`${R}/commits/${sha}/check-runs`)
    .query({ filter: "all", per_page: "100" })
    .reply(200, checkRunsReply(runs));
}
