import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { legacyArtifactStore } from "../../src/github/artifacts-ghes.js";
import { tempDir } from "../helpers/temp-dir.js";

const TOKEN = "runtime-token-never-elsewhere";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** A loopback server answering with `handle`; it records every request it gets. */
async function server(
  handle: (
    method: string,
    url: URL,
    base: string,
  ) => { status: number; body?: unknown; headers?: Record<string, string> },
) {
  const seen: Seen[] = [];
  let base = "";
  const s: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
      const r = handle(req.method ?? "", new URL(req.url ?? "/", base), base);
      const raw =
        r.body === undefined ? "" : Buffer.isBuffer(r.body) ? r.body : JSON.stringify(r.body);
      res.writeHead(r.status, r.headers ?? { "Content-Type": "application/json" });
      res.end(raw);
    });
  });
  await new Promise<void>((ok) => s.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  servers.push(s);
  return { base, seen };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((ok) => s.close(ok))));
});

const sawToken = (seen: Seen[]) =>
  seen.filter((r) => JSON.stringify(r.headers).includes(TOKEN) || r.url.includes(TOKEN));

describe("the GHES artifact client sends the runtime token only to ACTIONS_RUNTIME_URL's origin (docs/security.md)", () => {
  it("a container, and file locations, on another origin get no Authorization; the download still works", async () => {
    // the other origin: a file container and signed file URLs the runtime's answers point at
    const other = await server((method, url, base) => {
      if (url.pathname === "/containers/1" && method === "GET")
        return {
          status: 200,
          body: {
            value: [
              {
                path: "shard-1/runs/a.json",
                itemType: "file",
                contentLocation: `${base}/signed/a.json?sig=abc`,
              },
            ],
          },
        };
      if (url.pathname === "/containers/1") return { status: 200, body: {} };
      if (url.pathname === "/signed/a.json")
        return { status: 200, body: Buffer.from('{"metrics":{}}'), headers: {} };
      return { status: 404 };
    });
    const runtime = await server((method, url) => {
      if (/\/artifacts$/.test(url.pathname) && method === "GET")
        return {
          status: 200,
          body: {
            value: [{ name: "shard-1", fileContainerResourceUrl: `${other.base}/containers/1` }],
          },
        };
      if (/\/artifacts$/.test(url.pathname) && method === "POST")
        return { status: 201, body: { fileContainerResourceUrl: `${other.base}/containers/1` } };
      if (/\/artifacts$/.test(url.pathname) && method === "PATCH") return { status: 200, body: {} };
      return { status: 404 };
    });
    const store = legacyArtifactStore(
      { runtimeUrl: `${runtime.base}/pipelines/`, token: TOKEN, runId: "7" },
      { attempts: 1 },
    );

    const dest = tempDir();
    await store.download("shard-1", dest);
    expect(readFileSync(join(dest, "runs/a.json"), "utf8")).toBe('{"metrics":{}}');

    const src = tempDir();
    writeFileSync(join(src, "x.json"), "{}");
    await store.upload("shard-2", src, ["x.json"]);

    expect(other.seen.map((r) => `${r.method} ${new URL(r.url, other.base).pathname}`)).toEqual([
      "GET /containers/1",
      "GET /signed/a.json",
      "PUT /containers/1",
    ]);
    expect(sawToken(other.seen)).toEqual([]);
    // the runtime itself is still asked with the token
    expect(runtime.seen.length).toBeGreaterThan(0);
    for (const r of runtime.seen) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("a redirect from the runtime to another origin is followed without the token", async () => {
    const other = await server(() => ({ status: 200, body: Buffer.from("ok"), headers: {} }));
    const runtime = await server((_method, url, base) => {
      if (/\/artifacts$/.test(url.pathname))
        return {
          status: 200,
          body: { value: [{ name: "shard-1", fileContainerResourceUrl: `${base}/containers/1` }] },
        };
      if (url.pathname === "/containers/1")
        return {
          status: 200,
          body: {
            value: [
              { path: "shard-1/f.txt", itemType: "file", contentLocation: `${base}/files/f.txt` },
            ],
          },
        };
      if (url.pathname === "/files/f.txt")
        return { status: 302, headers: { Location: `${other.base}/blob/f.txt?sig=1` } };
      return { status: 404 };
    });
    const store = legacyArtifactStore(
      { runtimeUrl: `${runtime.base}/`, token: TOKEN, runId: "7" },
      { attempts: 1 },
    );
    const dest = tempDir();
    await store.download("shard-1", dest);
    expect(readFileSync(join(dest, "f.txt"), "utf8")).toBe("ok");
    expect(other.seen).toHaveLength(1);
    expect(sawToken(other.seen)).toEqual([]);
  });
});
