import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dispatchRunTitle } from "../../src/app/approval/dispatch-run-title.js";

/**
 * A GitHub stand-in on 127.0.0.1 for the app's server process (reached the GitHub Enterprise way:
 * GHE_HOST + GHE_PROTOCOL=http, so every path starts with /api/v3). It keeps what the app wrote —
 * check runs, comments, reactions, workflow dispatches — and can answer a share of requests with
 * 502 or a 403 secondary rate limit (`retry-after`), before applying anything.
 */
export interface LoopbackPull {
  number: number;
  headSha: string;
  headRef: string;
  author: string;
  /** Pushes to the head branch, oldest first (the activity API). */
  pushes: { sha: string; at: string }[];
}

export interface LoopbackRepo {
  owner: string;
  name: string;
  id: number;
  installationId: number;
  pulls: Map<number, LoopbackPull>;
  /** The files of every commit (the same at every SHA). */
  files: Record<string, string>;
  /** Role per login (`GET .../collaborators/{u}/permission`); anyone else: read. */
  roles: Record<string, string>;
}

export interface StoredCheckRun {
  id: number;
  repo: string;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  external_id: string;
  output: { title?: string; summary?: string };
  app: { id: number; slug: string };
}

export interface StoredComment {
  id: number;
  repo: string;
  issue: number;
  body: string;
  user: { login: string; type: string };
  created_at: string;
  updated_at: string;
}

export interface Dispatch {
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
}

export interface Chaos {
  /** Share of API requests answered with a failure before anything is applied (0..1). */
  failShare: number;
  /** Of those, the share answered 403 secondary rate limit (the rest 502). */
  rateLimitShare: number;
  /** Seeded, so a run's failure pattern can be reproduced. */
  seed: number;
}

export interface LoopbackGitHub {
  url: string;
  host: string;
  appId: number;
  repos: LoopbackRepo[];
  checkRuns: StoredCheckRun[];
  comments: StoredComment[];
  reactions: { repo: string; commentId: number; content: string }[];
  dispatches: Dispatch[];
  /** Requests answered with an injected failure, by status. */
  injected: { 502: number; 403: number };
  requests: number;
  /** Requests with no route here (answered 404): what the app asked that the stand-in lacks. */
  unrouted: string[];
  chaos: Chaos;
  /** Routes for the delivery log (loopback-github-deliveries.ts adds them). */
  extraRoutes: ((req: IncomingMessage, path: string, body: any) => Reply | undefined)[];
  addComment(
    repo: LoopbackRepo,
    c: Omit<StoredComment, "id" | "repo" | "updated_at">,
  ): StoredComment;
  addCheckRun(repo: LoopbackRepo, c: Omit<StoredCheckRun, "id" | "repo">): StoredCheckRun;
  close(): Promise<void>;
}

export type Reply = [status: number, body?: unknown, headers?: Record<string, string>];

/** mulberry32: a small seeded generator. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startLoopbackGitHub(opts: {
  appId: number;
  repos: LoopbackRepo[];
  chaos: Chaos;
}): Promise<LoopbackGitHub> {
  let nextId = 1000;
  const rnd = random(opts.chaos.seed);
  const gh: LoopbackGitHub = {
    url: "",
    host: "",
    appId: opts.appId,
    repos: opts.repos,
    checkRuns: [],
    comments: [],
    reactions: [],
    dispatches: [],
    injected: { 502: 0, 403: 0 },
    requests: 0,
    unrouted: [],
    chaos: opts.chaos,
    extraRoutes: [],
    addComment(repo, c) {
      const stored = { ...c, id: nextId++, repo: full(repo), updated_at: c.created_at };
      gh.comments.push(stored);
      return stored;
    },
    addCheckRun(repo, c) {
      const stored = { ...c, id: nextId++, repo: full(repo) };
      gh.checkRuns.push(stored);
      return stored;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
  const full = (r: LoopbackRepo) => `${r.owner}/${r.name}`;
  const repoOf = (owner: string, name: string) =>
    gh.repos.find((r) => r.owner === owner && r.name === name);

  function route(req: IncomingMessage, url: URL, body: any): Reply {
    const path = url.pathname.replace(/^\/api\/v3/, "").replace(/^\/api\/graphql$/, "/graphql");
    const m = req.method ?? "GET";
    for (const extra of gh.extraRoutes) {
      const r = extra(req, path, body);
      if (r) return r;
    }
    let g: RegExpMatchArray | null;
    g = m === "POST" ? path.match(/^\/app\/installations\/(\d+)\/access_tokens$/) : null;
    if (g)
      return [
        201,
        { token: `ghs_inst${g[1]}`, expires_at: "2099-01-01T00:00:00Z", permissions: {} },
      ];
    if (m === "GET" && path === "/app") return [200, { id: gh.appId, slug: "labgate" }];
    g = m === "GET" ? path.match(/^\/apps\/([^/]+)$/) : null;
    if (g)
      return g[1] === "labgate"
        ? [200, { id: gh.appId, slug: "labgate" }]
        : [404, { message: "Not Found" }];
    if (m === "POST" && path === "/graphql") return graphql(body);
    const rm = path.match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/);
    const repo = rm ? repoOf(rm[1] as string, rm[2] as string) : undefined;
    if (!rm || !repo) return [404, { message: `no route for ${m} ${path}` }];
    const rest = rm[3] ?? "";
    const fullName = full(repo);
    if (m === "GET" && rest === "")
      return [200, { id: repo.id, name: repo.name, full_name: fullName, default_branch: "main" }];
    g = m === "GET" ? rest.match(/^\/contents\/(.+)$/) : null;
    if (g) {
      const text = repo.files[decodeURIComponent(g[1] as string)];
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
    }
    g = m === "GET" ? rest.match(/^\/pulls\/(\d+)$/) : null;
    if (g) {
      const pr = repo.pulls.get(Number(g[1]));
      return pr ? [200, pullResource(repo, pr)] : [404, { message: "Not Found" }];
    }
    g = m === "GET" ? rest.match(/^\/pulls\/(\d+)\/commits$/) : null;
    if (g) {
      const pr = repo.pulls.get(Number(g[1]));
      return pr
        ? [200, pr.pushes.map((p) => ({ sha: p.sha, commit: { committer: { date: p.at } } }))]
        : [404, { message: "Not Found" }];
    }
    if (m === "GET" && rest === "/activity") {
      const ref = url.searchParams.get("ref");
      const out = [...repo.pulls.values()]
        .filter((p) => `refs/heads/${p.headRef}` === ref)
        .flatMap((p) =>
          p.pushes.map((x) => ({ activity_type: "push", ref, after: x.sha, timestamp: x.at })),
        )
        .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
      return [200, out];
    }
    g = m === "GET" ? rest.match(/^\/compare\/(.+)$/) : null;
    if (g)
      return [
        200,
        {
          status: "ahead",
          files: [{ filename: "experiments/scripts/train.py", status: "modified" }],
        },
      ];
    g = m === "GET" ? rest.match(/^\/commits\/([^/]+)\/check-runs$/) : null;
    if (g) {
      const name = url.searchParams.get("check_name");
      const runs = gh.checkRuns
        .filter((c) => c.repo === fullName && c.head_sha === g?.[1] && (!name || c.name === name))
        .reverse();
      const per = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      return [
        200,
        { total_count: runs.length, check_runs: runs.slice((page - 1) * per, page * per) },
      ];
    }
    if (m === "POST" && rest === "/check-runs") {
      const run = gh.addCheckRun(repo, {
        name: body.name,
        head_sha: body.head_sha,
        status: body.status ?? "queued",
        conclusion: body.conclusion ?? null,
        external_id: body.external_id ?? "",
        output: body.output ?? {},
        app: { id: gh.appId, slug: "labgate" },
      });
      return [201, run];
    }
    g = m === "PATCH" ? rest.match(/^\/check-runs\/(\d+)$/) : null;
    if (g) {
      const run = gh.checkRuns.find((c) => c.id === Number(g?.[1]));
      if (!run) return [404, { message: "Not Found" }];
      Object.assign(run, {
        ...(body.status ? { status: body.status } : {}),
        ...(body.conclusion ? { conclusion: body.conclusion, status: "completed" } : {}),
        ...(body.external_id !== undefined ? { external_id: body.external_id } : {}),
        ...(body.output ? { output: body.output } : {}),
      });
      return [200, run];
    }
    g = m === "GET" ? rest.match(/^\/issues\/(\d+)\/comments$/) : null;
    if (g)
      return [200, gh.comments.filter((c) => c.repo === fullName && c.issue === Number(g?.[1]))];
    g = m === "POST" ? rest.match(/^\/issues\/(\d+)\/comments$/) : null;
    if (g) {
      const at = new Date().toISOString();
      const c = gh.addComment(repo, {
        issue: Number(g[1]),
        body: body.body,
        user: { login: "labgate[bot]", type: "Bot" },
        created_at: at,
      });
      return [201, c];
    }
    g = rest.match(/^\/issues\/comments\/(\d+)$/);
    if (g) {
      const c = gh.comments.find((x) => x.id === Number(g?.[1]));
      if (!c) return [404, { message: "Not Found" }];
      if (m === "PATCH") {
        c.body = body.body;
        c.updated_at = new Date().toISOString();
      }
      return [
        200,
        { ...c, html_url: `https://github.com/${fullName}/pull/${c.issue}#issuecomment-${c.id}` },
      ];
    }
    g = m === "POST" ? rest.match(/^\/issues\/comments\/(\d+)\/reactions$/) : null;
    if (g) {
      gh.reactions.push({ repo: fullName, commentId: Number(g[1]), content: body.content });
      return [201, { id: nextId++, content: body.content }];
    }
    g = m === "GET" ? rest.match(/^\/collaborators\/([^/]+)\/permission$/) : null;
    if (g) {
      const role = repo.roles[g[1] as string] ?? "read";
      const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
      return [200, { permission, role_name: role, user: { login: g[1] } }];
    }
    g = m === "POST" ? rest.match(/^\/actions\/workflows\/([^/]+)\/dispatches$/) : null;
    if (g) {
      gh.dispatches.push({
        repo: fullName,
        workflow: decodeURIComponent(g[1] as string),
        ref: body.ref,
        inputs: body.inputs ?? {},
      });
      return [204];
    }
    g = m === "GET" ? rest.match(/^\/actions\/workflows\/([^/]+)\/runs$/) : null;
    if (g) {
      // Each dispatch of the workflow is a run titled by its inputs, as the dispatch workflow's
      // run-name renders them (newest first).
      const file = decodeURIComponent(g[1] as string);
      const runs = gh.dispatches
        .map((d, i) => ({ d, id: 9000 + i }))
        .filter(({ d }) => d.repo === fullName && d.workflow === file)
        .map(({ d, id }) => ({
          id,
          status: "queued",
          conclusion: null,
          html_url: `https://github.com/${fullName}/actions/runs/${id}`,
          head_sha: "0".repeat(40),
          event: "workflow_dispatch",
          head_branch: d.ref,
          display_title: dispatchRunTitle({
            pr: Number(d.inputs.pr),
            sha: String(d.inputs.sha),
            phase: String(d.inputs.phase),
            wave: Number(d.inputs.wave ?? 1),
          }),
        }))
        .reverse();
      return [200, { total_count: runs.length, workflow_runs: runs }];
    }
    if (m === "GET" && rest.startsWith("/actions/"))
      return [200, { total_count: 0, workflow_runs: [], jobs: [] }];
    gh.unrouted.push(`${m} ${path}`);
    return [404, { message: `loopback GitHub: no route for ${m} ${path}` }];
  }

  function graphql(body: any): Reply {
    const owner = body?.variables?.owner;
    const name = body?.variables?.repo;
    const repo = repoOf(owner, name);
    const repository: Record<string, unknown> = {};
    for (const m of String(body?.query ?? "").matchAll(
      /(f\d+): object\(expression: "([^"]+)"\)/g,
    )) {
      const path = (m[2] as string).split(":").slice(1).join(":");
      const text = repo?.files[path];
      repository[m[1] as string] =
        text === undefined ? null : { text, byteSize: Buffer.byteLength(text), isBinary: false };
    }
    return [200, { data: { repository: repo ? repository : null } }];
  }

  function pullResource(repo: LoopbackRepo, pr: LoopbackPull) {
    const r = {
      id: repo.id,
      full_name: `${repo.owner}/${repo.name}`,
      name: repo.name,
      owner: { login: repo.owner },
    };
    return {
      number: pr.number,
      state: "open",
      user: { login: pr.author },
      head: { sha: pr.headSha, ref: pr.headRef, repo: r },
      base: { sha: "0".repeat(40), ref: "main", repo: r },
    };
  }

  /** Only the app's work is disturbed: the delivery log and redelivery are GitHub's own plumbing. */
  const chaotic = (path: string) =>
    !path.includes("/hook/deliveries") && !path.includes("/access_tokens");

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      gh.requests++;
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const send = ([status, data, headers]: Reply) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(data === undefined ? "" : JSON.stringify(data));
      };
      if (chaotic(url.pathname) && rnd() < gh.chaos.failShare) {
        if (rnd() < gh.chaos.rateLimitShare) {
          gh.injected[403]++;
          return send([
            403,
            {
              message:
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            },
            { "retry-after": "1", "x-ratelimit-remaining": "4000" },
          ]);
        }
        gh.injected[502]++;
        return send([502, { message: "Server Error" }]);
      }
      let body: any;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return send([400, { message: "Problems parsing JSON" }]);
      }
      send(route(req, url, body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  gh.host = `127.0.0.1:${port}`;
  gh.url = `http://${gh.host}/api/v3`;
  return gh;
}
