import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback GitHub for what the app does on a `pull_request` event: the installation token (the
 * server's), file reads (GraphQL batches `object(expression: "sha:path")` and the contents API),
 * check runs, the dashboard comment and the gates workflow's dispatch. Every request is recorded;
 * anything else answers 404 and is recorded too, so a test sees it.
 */
export interface PrRequest {
  method: string;
  path: string;
  body: any;
  authorization: string | undefined;
  /** The status the stand-in answered. */
  status: number;
}

export interface FakeGitHubPr {
  url: string;
  requests: PrRequest[];
  /** The check runs created, in order, with their later updates applied. */
  checkRuns(): any[];
  close(): Promise<void>;
}

export async function startFakeGitHubPr(opts: {
  owner: string;
  repo: string;
  defaultBranch: string;
  files: Record<string, string>;
}): Promise<FakeGitHubPr> {
  const requests: PrRequest[] = [];
  const checks: any[] = [];
  const repo = `/repos/${opts.owner}/${opts.repo}`;

  function route(method: string, path: string, body: any): [number, unknown] {
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path))
      return [
        201,
        { token: "ghs_installation", expires_at: new Date(Date.now() + 3600_000).toISOString() },
      ];
    if (method === "POST" && (path === "/graphql" || path === "/api/graphql")) {
      const repository: Record<string, unknown> = {};
      for (const m of String(body?.query ?? "").matchAll(
        /(f\d+): object\(expression: "([^"]+)"\)/g,
      )) {
        const text = opts.files[(m[2] as string).split(":").slice(1).join(":")];
        repository[m[1] as string] =
          text === undefined ? null : { text, byteSize: Buffer.byteLength(text), isBinary: false };
      }
      return [200, { data: { repository } }];
    }
    if (method === "GET" && path === repo)
      return [200, { default_branch: opts.defaultBranch, full_name: `${opts.owner}/${opts.repo}` }];
    if (!path.startsWith(`${repo}/`)) return [404, { message: "Not Found" }];
    const rest = path.slice(repo.length);
    const content = method === "GET" ? /^\/contents\/(.+)$/.exec(rest) : null;
    if (content) {
      const file = decodeURIComponent(content[1] as string);
      const text = opts.files[file];
      if (text === undefined) return [404, { message: "Not Found" }];
      return [
        200,
        {
          type: "file",
          path: file,
          size: Buffer.byteLength(text),
          encoding: "base64",
          content: Buffer.from(text).toString("base64"),
        },
      ];
    }
    if (method === "POST" && rest === "/check-runs") {
      const run = { id: checks.length + 1, ...body };
      checks.push(run);
      return [201, run];
    }
    const update = method === "PATCH" ? /^\/check-runs\/(\d+)$/.exec(rest) : null;
    if (update) {
      const run = checks[Number(update[1]) - 1];
      if (!run) return [404, { message: "Not Found" }];
      Object.assign(run, body);
      return [200, run];
    }
    const list = method === "GET" ? /^\/commits\/([^/]+)\/check-runs$/.exec(rest) : null;
    if (list) {
      const runs = checks.filter((c) => c.head_sha === list[1]);
      return [200, { total_count: runs.length, check_runs: runs }];
    }
    if (method === "GET" && /^\/issues\/\d+\/comments$/.test(rest)) return [200, []];
    if (method === "POST" && /^\/issues\/\d+\/comments$/.test(rest))
      return [201, { id: 10, body: body?.body }];
    if (method === "PATCH" && /^\/issues\/comments\/\d+$/.test(rest)) return [200, { id: 10 }];
    if (method === "POST" && /^\/actions\/workflows\/[^/]+\/dispatches$/.test(rest))
      return [204, undefined];
    return [404, { message: `fake GitHub has no route for ${method} ${path}` }];
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: any;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const [status, answer] = route(req.method ?? "", url.pathname, body);
      requests.push({
        method: req.method ?? "",
        path: url.pathname,
        body,
        authorization: req.headers.authorization,
        status,
      });
      if (answer === undefined) {
        res.writeHead(status);
        res.end();
        return;
      }
      res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    checkRuns: () => checks.map((c) => structuredClone(c)),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
