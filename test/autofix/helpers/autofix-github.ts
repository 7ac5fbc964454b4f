import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake received, body parsed as JSON. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  body: any;
  authorization: string;
}

export interface AutofixGitHub {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * The slice of GitHub's REST API the autofix modes call, on localhost, for tests that run the
 * bundled action as a subprocess: the repository (default branch `main`), PR 7, the check runs
 * and annotations given, file contents read from a REAL bare repository at `ref`, and pull-request
 * list / create / update. Every request is recorded with its body and Authorization header.
 */
export async function startAutofixGitHub(opts: {
  bareRepo: string;
  pr: { ref: string; sha: string; headRepoId?: number };
  checkRuns?: any[];
  annotations?: Record<number, any[]>;
}): Promise<AutofixGitHub> {
  const requests: RecordedRequest[] = [];
  const pulls: any[] = [];
  const prefix = "/repos/lab/study";
  const show = (spec: string) =>
    new Promise<string | undefined>((resolve) =>
      execFile("git", ["show", spec], { cwd: opts.bareRepo }, (err, out) =>
        resolve(err ? undefined : out),
      ),
    );

  async function route(method: string, path: string, q: URLSearchParams, body: any) {
    if (method === "GET" && path === prefix)
      return [200, { id: 1, full_name: "lab/study", default_branch: "main" }] as const;
    if (!path.startsWith(prefix)) return [404, { message: "Not Found" }] as const;
    const rest = path.slice(prefix.length);
    if (method === "GET" && rest === "/pulls/7")
      return [
        200,
        {
          number: 7,
          state: "open",
          user: { login: "researcher" },
          head: {
            ref: opts.pr.ref,
            sha: opts.pr.sha,
            repo: { id: opts.pr.headRepoId ?? 1, full_name: "lab/study" },
          },
          base: { ref: "main", repo: { id: 1, full_name: "lab/study" } },
        },
      ] as const;
    const checks = rest.match(/^\/commits\/([0-9a-f]{40})\/check-runs$/);
    if (method === "GET" && checks) {
      const runs = (opts.checkRuns ?? []).filter((c) => (c.head_sha ?? opts.pr.sha) === checks[1]);
      return [200, { total_count: runs.length, check_runs: runs }] as const;
    }
    const ann = rest.match(/^\/check-runs\/(\d+)\/annotations$/);
    if (method === "GET" && ann) return [200, opts.annotations?.[Number(ann[1])] ?? []] as const;
    const content = rest.match(/^\/contents\/(.+)$/);
    if (method === "GET" && content) {
      const text = await show(`${q.get("ref") ?? "main"}:${content[1]}`);
      if (text === undefined) return [404, { message: "Not Found" }] as const;
      return [
        200,
        {
          type: "file",
          path: content[1],
          encoding: "base64",
          size: Buffer.byteLength(text),
          content: Buffer.from(text).toString("base64"),
        },
      ] as const;
    }
    if (method === "GET" && rest === "/pulls") {
      const head = q.get("head")?.split(":")[1];
      return [200, pulls.filter((p) => p.head.ref === head && p.state === "open")] as const;
    }
    if (method === "POST" && rest === "/pulls") {
      const number = 100 + pulls.length;
      const pr = {
        number,
        state: "open",
        draft: false,
        html_url: `https://github.example/lab/study/pull/${number}`,
        head: { ref: body.head },
        base: { ref: body.base },
        title: body.title,
        body: body.body,
      };
      pulls.push(pr);
      return [201, pr] as const;
    }
    const upd = rest.match(/^\/pulls\/(\d+)$/);
    if (method === "PATCH" && upd) {
      const pr = pulls.find((p) => p.number === Number(upd[1]));
      if (!pr) return [404, { message: "Not Found" }] as const;
      Object.assign(pr, body);
      return [200, pr] as const;
    }
    return [404, { message: `no route for ${method} ${path}` }] as const;
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const body = text ? JSON.parse(text) : undefined;
      const url = new URL(req.url ?? "/", "http://x");
      const path = decodeURIComponent(url.pathname);
      requests.push({
        method: req.method ?? "GET",
        path,
        query: url.search,
        body,
        authorization: String(req.headers.authorization ?? ""),
      });
      route(req.method ?? "GET", path, url.searchParams, body).then(
        ([status, payload]) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(payload));
        },
        (err: Error) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ message: err.message }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
