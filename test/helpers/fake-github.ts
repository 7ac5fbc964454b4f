import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One request the fake received, body parsed as JSON. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: any;
}

export interface FakePull {
  ref: string;
  sha: string;
  /** The head repository's full name; anything but `owner/repo` makes the PR a fork PR. */
  headRepo?: string;
  /** "open" (default) or "closed". */
  state?: string;
  /** Who opened it (`user.login`); "carol" when not given. */
  author?: string;
}

/** An issue comment as `GET /repos/{o}/{r}/issues/comments/{id}` returns it. */
export interface FakeComment {
  /** The issue or PR number it is on. */
  issue: number;
  user: string;
  created_at: string;
  /** Set once the comment's body was edited (GraphQL `lastEditedAt`). */
  last_edited_at?: string;
  body?: string;
}

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  /** A REAL bare repository: the Git Data endpoints read and write it with git plumbing. */
  bareRepo?: string;
  pulls?: Record<number, FakePull>;
  /** Called before a ref update is applied: a test pushes here to race the commit. */
  beforeRefUpdate?: (branch: string) => Promise<void>;
  /** Answer check-run writes with this status (e.g. 403 for a fork PR's read-only token). */
  checkRunStatus?: number;
  /** Check runs that exist before the test (e.g. the app's in-progress code review). */
  checkRuns?: any[];
  /** GitHub Apps by slug (`GET /apps/{slug}`): slug -> app id. */
  apps?: Record<string, number>;
  /** Issue comments by id. */
  comments?: Record<number, FakeComment>;
  /** Collaborators' roles (`GET .../collaborators/{user}/permission`); anyone else: 404. */
  permissions?: Record<string, string>;
  /** `GET /repos/{o}/{r}`'s `default_branch` (answered only when set). */
  defaultBranch?: string;
  /** Files by ref then path for the contents API, where there is no `bareRepo`. */
  files?: Record<string, Record<string, string>>;
  /** The repository activity list by branch (`GET .../activity?ref=refs/heads/<branch>`), newest first. */
  activity?: Record<string, { activity_type: string; after: string; timestamp: string }[]>;
  /** Workflow runs by workflow file (`GET .../actions/workflows/{file}/runs`), newest first; none when unset. */
  workflowRuns?: Record<string, any[]>;
  /** Workflow runs by id (`GET .../actions/runs/{id}`), besides the compares' dispatch runs. */
  actionRuns?: Record<number, any>;
  /** Jobs by workflow run id (`GET .../actions/runs/{id}/jobs`). */
  runJobs?: Record<number, any[]>;
  /** The status `POST .../actions/workflows/{file}/dispatches` answers (default 204). */
  dispatchStatus?: number;
  /**
   * `GET .../compare/{base}...{head}` by "base...head": status, changed paths and the commits
   * between; else 404. `commits` absent: one commit at head, labgate's results commit as GitHub
   * makes it for the aggregate job's token (by github-actions[bot], committed by web-flow, verified).
   * A commit's message defaults to a results commit whose `Labgate-Run` trailer names the
   * compare's dispatch run (`fakeDispatchRunId`), which `GET .../actions/runs/{id}` answers: the
   * default branch's `labgate-dispatch.yml`, `workflow_dispatch`, for the PR whose head is the
   * compare's head (else the only PR) at the compare's base.
   */
  compares?: Record<string, { status: string; files: string[]; commits?: FakeCompareCommit[] }>;
}

/** A commit of a compare: who GitHub says authored and committed it, and whether it is verified. */
export interface FakeCompareCommit {
  sha: string;
  author: string | null;
  committer: string | null;
  verified: boolean;
  /** The commit's message; default: a results commit naming the compare's dispatch run. */
  message?: string;
}

/** The id of the dispatch run the default results commits of the `index`th compare name. */
export function fakeDispatchRunId(index = 0): number {
  return 4200 + index;
}

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  checkRuns: Map<number, any>;
  close(): Promise<void>;
}

/**
 * A small GitHub REST API on localhost for tests that run the bundled action as a subprocess
 * (nock cannot reach into another process). The Git Data endpoints (refs, commits, trees, blobs)
 * are backed by a real bare git repository, so a ref update races a real `git push` exactly as
 * on GitHub: non-fast-forward updates are refused with 422 and the ref moves compare-and-swap.
 */
export async function startFakeGitHub(opts: FakeGitHubOptions): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  const checkRuns = new Map<number, any>();
  const scratch = mkdtempSync(join(tmpdir(), "labgate-fakegh-"));
  for (const c of opts.checkRuns ?? []) checkRuns.set(c.id, structuredClone(c));
  let nextCheckRun = 1 + Math.max(0, ...(opts.checkRuns ?? []).map((c) => c.id));
  let seq = 0;
  const prefix = `/repos/${opts.owner}/${opts.repo}`;

  const git = (args: string[], input?: string, env?: NodeJS.ProcessEnv) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile(
        "git",
        args,
        {
          cwd: opts.bareRepo,
          env: { ...process.env, ...env },
          maxBuffer: 512 * 1024 * 1024,
        },
        (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
      if (input !== undefined) child.stdin?.end(input);
    });

  async function route(
    method: string,
    path: string,
    body: any,
    query: URLSearchParams,
    accept: string,
  ): Promise<[number, unknown]> {
    const app = method === "GET" ? path.match(/^\/apps\/([^/]+)$/) : null;
    if (app) {
      const id = opts.apps?.[app[1] as string];
      if (id === undefined) return [404, { message: "Not Found" }];
      return [200, { id, slug: app[1], name: app[1] }];
    }
    // GraphQL: only the `node(id)` lookup of an issue comment's lastEditedAt.
    if (method === "POST" && (path === "/graphql" || path === "/api/graphql")) {
      const id = String(body?.variables?.id ?? "");
      const c = id.startsWith("IC_") ? opts.comments?.[Number(id.slice(3))] : undefined;
      return [200, { data: { node: c ? { lastEditedAt: c.last_edited_at ?? null } : null } }];
    }
    if (!path.startsWith(prefix)) return [404, { message: "Not Found" }];
    const rest = path.slice(prefix.length);
    if (method === "GET" && rest === "" && opts.defaultBranch)
      return [200, { full_name: `${opts.owner}/${opts.repo}`, default_branch: opts.defaultBranch }];
    if (method === "GET" && rest === "/activity" && opts.activity) {
      const branch = (query.get("ref") ?? "").replace(/^refs\/heads\//, "");
      return [200, opts.activity[branch] ?? []];
    }
    const wfRuns = method === "GET" ? rest.match(/^\/actions\/workflows\/([^/]+)\/runs$/) : null;
    if (wfRuns) {
      // No runs given: the workflow exists and has none (the plan step lists the dispatch's).
      const runs = (opts.workflowRuns?.[wfRuns[1] as string] ?? []).filter(
        (r) =>
          (!query.get("branch") || r.head_branch === query.get("branch")) &&
          (!query.get("event") || r.event === query.get("event")),
      );
      return [200, { total_count: runs.length, workflow_runs: runs }];
    }
    const jobs = method === "GET" ? rest.match(/^\/actions\/runs\/(\d+)\/jobs$/) : null;
    if (jobs && opts.runJobs) {
      const list = opts.runJobs[Number(jobs[1])] ?? [];
      return [200, { total_count: list.length, jobs: list }];
    }
    const file = method === "GET" && opts.files ? rest.match(/^\/contents\/(.+)$/) : null;
    if (file) {
      const text = opts.files?.[query.get("ref") ?? "HEAD"]?.[file[1] as string];
      if (text === undefined) return [404, { message: "Not Found" }];
      if (accept.includes("raw")) return [200, text];
      return [
        200,
        {
          type: "file",
          path: file[1],
          encoding: "base64",
          size: Buffer.byteLength(text),
          content: Buffer.from(text).toString("base64"),
        },
      ];
    }

    const m1 = method === "GET" ? rest.match(/^\/pulls\/(\d+)$/) : null;
    if (m1) {
      const pull = opts.pulls?.[Number(m1[1])];
      if (!pull) return [404, { message: "Not Found" }];
      const full = `${opts.owner}/${opts.repo}`;
      const headRepo = pull.headRepo ?? full;
      return [
        200,
        {
          number: Number(m1[1]),
          state: pull.state ?? "open",
          user: { login: pull.author ?? "carol" },
          head: {
            ref: pull.ref,
            sha: pull.sha,
            repo: { id: headRepo === full ? 1 : 2, full_name: headRepo },
          },
          base: { ref: "main", repo: { id: 1, full_name: full } },
        },
      ];
    }
    const comment = method === "GET" ? rest.match(/^\/issues\/comments\/(\d+)$/) : null;
    if (comment) {
      const c = opts.comments?.[Number(comment[1])];
      if (!c) return [404, { message: "Not Found" }];
      return [
        200,
        {
          id: Number(comment[1]),
          node_id: `IC_${comment[1]}`,
          issue_url: `https://api.github.example${prefix}/issues/${c.issue}`,
          user: { login: c.user },
          body: c.body ?? "/approve-phase8",
          created_at: c.created_at,
          updated_at: c.last_edited_at ?? c.created_at,
        },
      ];
    }
    const listedComments = method === "GET" ? rest.match(/^\/issues\/(\d+)\/comments$/) : null;
    if (listedComments) {
      const since = query.get("since");
      const list = Object.entries(opts.comments ?? {})
        .filter(([, c]) => c.issue === Number(listedComments[1]))
        .filter(([, c]) => !since || (c.last_edited_at ?? c.created_at) >= since)
        .map(([id, c]) => ({
          id: Number(id),
          user: { login: c.user },
          body: c.body ?? "/approve-phase8",
          created_at: c.created_at,
          updated_at: c.last_edited_at ?? c.created_at,
        }))
        .sort((a, b) => a.created_at.localeCompare(b.created_at));
      return [200, list];
    }
    const reaction =
      method === "POST" ? rest.match(/^\/issues\/comments\/(\d+)\/reactions$/) : null;
    if (reaction) return [201, { id: seq++, content: body?.content }];
    const posted = method === "POST" ? rest.match(/^\/issues\/(\d+)\/comments$/) : null;
    if (posted) return [201, { id: 9000 + seq++, body: body?.body }];
    const perm = method === "GET" ? rest.match(/^\/collaborators\/([^/]+)\/permission$/) : null;
    if (perm) {
      const role = opts.permissions?.[perm[1] as string];
      if (!role) return [404, { message: "Not Found" }];
      const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
      return [200, { permission, role_name: role, user: { login: perm[1] } }];
    }
    const runOf = method === "GET" ? rest.match(/^\/actions\/runs\/(\d+)$/) : null;
    if (runOf) {
      const given = opts.actionRuns?.[Number(runOf[1])];
      if (given) return [200, { id: Number(runOf[1]), ...given }];
      const keys = Object.keys(opts.compares ?? {});
      const key = keys[Number(runOf[1]) - fakeDispatchRunId()];
      if (!key) return [404, { message: "Not Found" }];
      const [base, head] = key.split("...") as [string, string];
      const pulls = Object.entries(opts.pulls ?? {});
      const pr = pulls.find(([, p]) => p.sha === head)?.[0] ?? pulls[0]?.[0] ?? "1";
      return [
        200,
        {
          id: Number(runOf[1]),
          path: ".github/workflows/labgate-dispatch.yml",
          head_branch: opts.defaultBranch ?? "main",
          event: "workflow_dispatch",
          display_title: `labgate dispatch: PR #${pr} at ${base} (full, wave 1)`,
          created_at: "2026-01-01T00:00:00Z",
        },
      ];
    }
    const compare = method === "GET" ? rest.match(/^\/compare\/(.+)$/) : null;
    if (compare) {
      const c = opts.compares?.[compare[1] as string];
      if (!c) return [404, { message: "No common ancestor" }];
      const runId = fakeDispatchRunId(
        Object.keys(opts.compares ?? {}).indexOf(compare[1] as string),
      );
      const results = `labgate: results (full)\n\nLabgate-Run: https://github.com/${opts.owner}/${opts.repo}/actions/runs/${runId}\n`;
      const head = (compare[1] as string).split("...")[1] as string;
      const commits = c.commits ?? [
        {
          sha: head,
          author: "github-actions[bot]",
          committer: "web-flow",
          verified: true,
        },
      ];
      return [
        200,
        {
          status: c.status,
          total_commits: commits.length,
          commits: commits.map((k) => ({
            sha: k.sha,
            author: k.author === null ? null : { login: k.author },
            committer: k.committer === null ? null : { login: k.committer },
            commit: {
              author: { name: k.author ?? "someone", email: "someone@example.com" },
              committer: { name: "GitHub", date: "2026-06-01T00:00:00Z" },
              message: k.message ?? results,
              verification: { verified: k.verified, reason: k.verified ? "valid" : "unsigned" },
            },
          })),
          files: c.files.map((filename) => ({ filename })),
        },
      ];
    }
    const listed = method === "GET" ? rest.match(/^\/commits\/([^/]+)\/check-runs$/) : null;
    if (listed) {
      const name = query.get("check_name");
      const runs = [...checkRuns.values()].filter(
        (c) => c.head_sha === listed[1] && (!name || c.name === name),
      );
      return [200, { total_count: runs.length, check_runs: runs }];
    }
    if (method === "POST" && rest === "/check-runs") {
      if (opts.checkRunStatus)
        return [opts.checkRunStatus, { message: "Resource not accessible by integration" }];
      const id = nextCheckRun++;
      checkRuns.set(id, { id, ...body });
      return [201, { id, ...body }];
    }
    const m2 = method === "PATCH" ? rest.match(/^\/check-runs\/(\d+)$/) : null;
    if (m2) {
      const id = Number(m2[1]);
      const run = checkRuns.get(id);
      if (!run) return [404, { message: "Not Found" }];
      Object.assign(run, body);
      return [200, run];
    }
    if (!opts.bareRepo) return [404, { message: "Not Found" }];

    const m3 = method === "GET" ? rest.match(/^\/git\/ref\/heads\/(.+)$/) : null;
    if (m3) {
      const branch = decodeURIComponent(m3[1] as string);
      try {
        const sha = (await git(["rev-parse", "--verify", `refs/heads/${branch}^{commit}`])).trim();
        return [200, { ref: `refs/heads/${branch}`, object: { sha, type: "commit" } }];
      } catch {
        return [404, { message: "Not Found" }];
      }
    }
    const m4 = method === "GET" ? rest.match(/^\/git\/commits\/([0-9a-f]{40})$/) : null;
    if (m4) {
      const raw = await git(["cat-file", "commit", m4[1] as string]).catch(() => undefined);
      if (raw === undefined) return [404, { message: "Not Found" }];
      const tree = raw.match(/^tree ([0-9a-f]{40})$/m)?.[1];
      const parents = [...raw.matchAll(/^parent ([0-9a-f]{40})$/gm)].map((p) => ({ sha: p[1] }));
      return [
        200,
        {
          sha: m4[1],
          tree: { sha: tree },
          parents,
          message: raw.split("\n\n").slice(1).join("\n\n"),
        },
      ];
    }
    const content = method === "GET" ? rest.match(/^\/contents\/(.+)$/) : null;
    if (content) {
      const ref = query.get("ref") ?? "HEAD";
      const text = await git(["show", `${ref}:${content[1]}`]).catch(() => undefined);
      if (text === undefined) return [404, { message: "Not Found" }];
      if (accept.includes("raw")) return [200, text];
      return [
        200,
        {
          type: "file",
          path: content[1],
          encoding: "base64",
          size: Buffer.byteLength(text),
          content: Buffer.from(text).toString("base64"),
        },
      ];
    }
    if (method === "POST" && rest === "/git/blobs") {
      const file = join(scratch, `blob-${seq++}`);
      writeFileSync(
        file,
        Buffer.from(body.content, body.encoding === "base64" ? "base64" : "utf8"),
      );
      const sha = (await git(["hash-object", "-w", file])).trim();
      return [201, { sha }];
    }
    if (method === "POST" && rest === "/git/trees") {
      const index = join(scratch, `index-${seq++}`);
      const env = { GIT_INDEX_FILE: index };
      await git(
        body.base_tree ? ["read-tree", body.base_tree] : ["read-tree", "--empty"],
        undefined,
        env,
      );
      const inline = (body.tree as any[]).filter((e) => typeof e.content === "string");
      const files = inline.map((e) => {
        const f = join(scratch, `content-${seq++}`);
        writeFileSync(f, e.content);
        return f;
      });
      const shas = files.length
        ? (await git(["hash-object", "-w", "--stdin-paths"], `${files.join("\n")}\n`))
            .trim()
            .split("\n")
        : [];
      let k = 0;
      const lines = (body.tree as any[]).map((e) => {
        const sha = typeof e.content === "string" ? shas[k++] : e.sha;
        return sha === null ? `0 ${"0".repeat(40)}\t${e.path}` : `${e.mode} ${sha}\t${e.path}`;
      });
      if (lines.length) await git(["update-index", "--index-info"], `${lines.join("\n")}\n`, env);
      const sha = (await git(["write-tree"], undefined, env)).trim();
      for (const f of files) rmSync(f);
      rmSync(index, { force: true });
      return [201, { sha }];
    }
    if (method === "POST" && rest === "/git/commits") {
      const args = [
        "commit-tree",
        body.tree,
        ...(body.parents as string[]).flatMap((p) => ["-p", p]),
      ];
      const sha = (
        await git(args, body.message, {
          GIT_AUTHOR_NAME: "github-actions[bot]",
          GIT_AUTHOR_EMAIL: "41898282+github-actions[bot]@users.noreply.github.com",
          GIT_COMMITTER_NAME: "GitHub",
          GIT_COMMITTER_EMAIL: "noreply@github.com",
        })
      ).trim();
      return [
        201,
        { sha, tree: { sha: body.tree }, parents: body.parents.map((p: string) => ({ sha: p })) },
      ];
    }
    const m5 = method === "PATCH" ? rest.match(/^\/git\/refs\/heads\/(.+)$/) : null;
    if (m5) {
      const branch = decodeURIComponent(m5[1] as string);
      await opts.beforeRefUpdate?.(branch);
      const current = (await git(["rev-parse", `refs/heads/${branch}`])).trim();
      if (!body.force) {
        const ff = await git(["merge-base", "--is-ancestor", current, body.sha]).then(
          () => true,
          () => false,
        );
        if (!ff) return [422, { message: "Update is not a fast forward" }];
      }
      try {
        await git(["update-ref", `refs/heads/${branch}`, body.sha, current]);
      } catch {
        return [422, { message: "Update is not a fast forward" }];
      }
      return [200, { ref: `refs/heads/${branch}`, object: { sha: body.sha, type: "commit" } }];
    }
    // workflow_dispatch: accepted (204); the test reads the request from `requests`.
    if (method === "POST" && /^\/actions\/workflows\/[^/]+\/dispatches$/.test(rest))
      return opts.dispatchStatus && opts.dispatchStatus !== 204
        ? [opts.dispatchStatus, { message: "Resource not accessible by integration" }]
        : [204, undefined];
    return [404, { message: `fake GitHub has no route for ${method} ${path}` }];
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? JSON.parse(text) : undefined;
      // Octokit escapes the slash in `heads/<branch>`; GitHub accepts both spellings.
      const path = decodeURIComponent((req.url ?? "/").split("?")[0] as string);
      requests.push({ method: req.method ?? "GET", path, body });
      route(
        req.method ?? "GET",
        path,
        body,
        new URL(req.url ?? "/", "http://x").searchParams,
        String(req.headers.accept ?? ""),
      )
        .then(([status, payload]) => {
          const raw = typeof payload === "string";
          res.writeHead(status, {
            "content-type": raw ? "application/vnd.github.raw; charset=utf-8" : "application/json",
          });
          res.end(raw ? payload : JSON.stringify(payload));
        })
        .catch((err: Error) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ message: err.message }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    checkRuns,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        rmSync(scratch, { recursive: true, force: true });
      }),
  };
}
