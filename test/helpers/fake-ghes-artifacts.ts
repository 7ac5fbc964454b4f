import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";

/**
 * A loopback stand-in for GitHub Enterprise Server's artifact service, the one behind
 * `actions/upload-artifact@v3` (the runner's ACTIONS_RUNTIME_URL): file containers per workflow
 * run, chunked PUTs with Content-Range (gzip bodies undone), a PATCH that finalizes, listings,
 * and file downloads gzipped when the client accepts it. The v4 service's Twirp endpoints answer
 * 404 "GHES does not serve this", as GHES does. Every request is recorded.
 */
export interface GhesRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

interface Artifact {
  id: number;
  name: string;
  runId: string;
  finalized: boolean;
  size: number;
  files: Map<string, Buffer>;
}

export interface FakeGhesArtifacts {
  /** ACTIONS_RUNTIME_URL (ends in `/`). */
  runtimeUrl: string;
  token: string;
  requests: GhesRequest[];
  /** Finalized artifacts by name: each file's bytes by its path inside the artifact. */
  artifacts(): Map<string, Map<string, Buffer>>;
  /** The next `n` requests matching `method` answer 503 first. */
  failNext(method: string, n: number): void;
  /** Adds a container item the client must refuse (a path outside the artifact). */
  addRawItem(artifact: string, path: string): void;
  close(): Promise<void>;
}

export async function startFakeGhesArtifacts(token = "runtime-token"): Promise<FakeGhesArtifacts> {
  const requests: GhesRequest[] = [];
  const byName = new Map<string, Artifact>();
  const rawItems = new Map<string, string[]>();
  const failures = new Map<string, number>();
  let nextId = 1;
  let base = "";

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (err) {
        send(res, 500, { message: (err as Error).message });
      }
    });
  });

  function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer) {
    const url = new URL(req.url ?? "/", base);
    const query = Object.fromEntries(url.searchParams);
    requests.push({
      method: req.method ?? "",
      path: url.pathname,
      query,
      headers: req.headers,
      body: raw,
    });
    const pending = failures.get(req.method ?? "") ?? 0;
    if (pending > 0) {
      failures.set(req.method ?? "", pending - 1);
      return send(res, 503, { message: "try again" });
    }
    if (url.pathname.includes("/twirp/"))
      return send(res, 404, { message: "GHES does not serve the v4 artifact service" });
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(res, 401, { message: "bad runtime token" });
    const run = /^\/_apis\/pipelines\/workflows\/([^/]+)\/artifacts$/.exec(url.pathname);
    if (run) {
      if (query["api-version"] !== "6.0-preview") return send(res, 400, { message: "api-version" });
      const runId = run[1] as string;
      if (req.method === "POST") {
        const body = JSON.parse(raw.toString("utf8"));
        if (body.Type !== "actions_storage" || !body.Name)
          return send(res, 400, { message: "bad create" });
        if (byName.has(body.Name))
          return send(res, 409, { message: `artifact ${body.Name} already exists` });
        const a: Artifact = {
          id: nextId++,
          name: body.Name,
          runId,
          finalized: false,
          size: -1,
          files: new Map(),
        };
        byName.set(a.name, a);
        return send(res, 201, record(a));
      }
      if (req.method === "PATCH") {
        const a = byName.get(query.artifactName ?? "");
        if (!a) return send(res, 404, { message: "no such artifact" });
        a.size = JSON.parse(raw.toString("utf8")).Size;
        a.finalized = true;
        return send(res, 200, record(a));
      }
      if (req.method === "GET") {
        const value = [...byName.values()]
          .filter((a) => a.finalized && a.runId === runId)
          .map(record);
        return send(res, 200, { count: value.length, value });
      }
    }
    const container = /^\/_apis\/resources\/Containers\/(\d+)$/.exec(url.pathname);
    if (container) {
      const a = [...byName.values()].find((x) => x.id === Number(container[1]));
      if (!a) return send(res, 404, { message: "no such container" });
      const itemPath = query.itemPath ?? "";
      if (req.method === "PUT") {
        const range = /^bytes (\d+)-(-?\d+)\/(\d+)$/.exec(String(req.headers["content-range"]));
        if (!range) return send(res, 400, { message: "Content-Range missing" });
        const body = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
        const path = itemPath.slice(a.name.length + 1);
        const before = a.files.get(path) ?? Buffer.alloc(0);
        if (Number(range[1]) !== before.length)
          return send(res, 400, { message: "chunk out of order" });
        a.files.set(path, Buffer.concat([before, body]));
        return send(res, 200, {});
      }
      if (req.method === "GET" && query.download === "1") {
        const file = a.files.get(itemPath.slice(a.name.length + 1));
        if (!file) return send(res, 404, { message: "no such file" });
        const gzip = String(req.headers["accept-encoding"] ?? "").includes("gzip");
        res.writeHead(200, {
          "Content-Type": "application/octet-stream",
          ...(gzip ? { "Content-Encoding": "gzip" } : {}),
        });
        return res.end(gzip ? gzipSync(file) : file);
      }
      if (req.method === "GET") {
        const value: object[] = [];
        const folders = new Set<string>();
        for (const path of a.files.keys()) {
          const parts = path.split("/");
          for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join("/"));
        }
        for (const f of folders) value.push({ path: `${a.name}/${f}`, itemType: "folder" });
        for (const path of [...a.files.keys(), ...(rawItems.get(a.name) ?? [])]) {
          const full = path.startsWith(`${a.name}/`) ? path : `${a.name}/${path}`;
          const loc = new URL(`_apis/resources/Containers/${a.id}`, base);
          loc.searchParams.set("itemPath", full);
          loc.searchParams.set("download", "1");
          value.push({ path: full, itemType: "file", contentLocation: loc.toString() });
        }
        return send(res, 200, { count: value.length, value });
      }
    }
    send(res, 404, { message: `no route ${req.method} ${url.pathname}` });
  }

  function record(a: Artifact) {
    return {
      containerId: a.id,
      size: a.size,
      name: a.name,
      type: "actions_storage",
      fileContainerResourceUrl: new URL(`_apis/resources/Containers/${a.id}`, base).toString(),
      url: new URL(
        `_apis/pipelines/1/runs/${a.runId}/artifacts?artifactName=${a.name}`,
        base,
      ).toString(),
    };
  }

  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    runtimeUrl: base,
    token,
    requests,
    artifacts: () =>
      new Map([...byName.values()].filter((a) => a.finalized).map((a) => [a.name, a.files])),
    failNext(method, n) {
      failures.set(method, n);
    },
    addRawItem(artifact, path) {
      rawItems.set(artifact, [...(rawItems.get(artifact) ?? []), path]);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function send(res: ServerResponse, status: number, body: object) {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}
