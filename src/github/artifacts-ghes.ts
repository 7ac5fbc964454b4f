import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { messageOf } from "../core/failure/failure.js";
import type { ArtifactStore } from "./artifacts.js";

/**
 * A workflow run's artifacts on GitHub Enterprise Server. `@actions/artifact` 2 and later (the
 * service behind `actions/upload-artifact@v4`) refuses to run there (GHESNotSupportedError);
 * GHES serves the earlier artifact service, the one behind `actions/upload-artifact@v3`, at the
 * runner's `ACTIONS_RUNTIME_URL` with its `ACTIONS_RUNTIME_TOKEN`. This speaks that protocol:
 *
 *   POST  {runtime}_apis/pipelines/workflows/{run}/artifacts           create the file container
 *   PUT   {fileContainerResourceUrl}?itemPath={name}/{path}            each file, in chunks
 *   PATCH {runtime}_apis/pipelines/workflows/{run}/artifacts&artifactName={name}   finalize (Size)
 *   GET   {runtime}_apis/pipelines/workflows/{run}/artifacts           list the run's artifacts
 *   GET   {fileContainerResourceUrl}?itemPath={name}                   an artifact's items
 *   GET   {item.contentLocation}                                       one file (maybe gzip)
 *
 * docs/github-limits.md, "GitHub Enterprise Server".
 */
export interface LegacyArtifactService {
  /** ACTIONS_RUNTIME_URL: the runner's pipelines service, ending in `/`. */
  runtimeUrl: string;
  /** ACTIONS_RUNTIME_TOKEN. */
  token: string;
  /** GITHUB_RUN_ID. */
  runId: string;
}

export interface LegacyArtifactOptions {
  retentionDays?: number;
  /** Tries per request on a network error, a 5xx, 429 or 413 (default 5). */
  attempts?: number;
  /** The first retry's wait, doubled for each next one (default 1000); `retry-after` wins. */
  retryDelayMs?: number;
  fetch?: typeof fetch;
}

const API_VERSION = "6.0-preview";
/** The chunk size the v3 client uses. */
const CHUNK_BYTES = 8 * 1024 * 1024;
const RETRYABLE = new Set([413, 429, 500, 502, 503, 504]);
const MAX_REDIRECTS = 5;

interface ArtifactRecord {
  name: string;
  fileContainerResourceUrl: string;
}

interface ContainerItem {
  path: string;
  itemType: string;
  contentLocation?: string;
}

/** The earlier artifact service (GHES), through `fetch`. */
export function legacyArtifactStore(
  service: LegacyArtifactService,
  opts: LegacyArtifactOptions = {},
): ArtifactStore {
  const doFetch = opts.fetch ?? fetch;
  const attempts = opts.attempts ?? 5;
  const baseDelay = opts.retryDelayMs ?? 1000;
  const runtime = service.runtimeUrl.endsWith("/") ? service.runtimeUrl : `${service.runtimeUrl}/`;
  const artifactsUrl = (extra: Record<string, string> = {}) => {
    const url = new URL(
      `_apis/pipelines/workflows/${encodeURIComponent(service.runId)}/artifacts`,
      runtime,
    );
    url.searchParams.set("api-version", API_VERSION);
    for (const [k, v] of Object.entries(extra)) url.searchParams.append(k, v);
    return url.toString();
  };
  const json = `application/json;api-version=${API_VERSION}`;

  const runtimeOrigin = new URL(runtime).origin;

  /**
   * One request, the token sent only to ACTIONS_RUNTIME_URL's origin (docs/security.md): the
   * service's answers name the URLs of containers and files, and a signed URL on another origin
   * (blob storage) needs no token and must never see it. A GET's redirects are followed here, the
   * token dropped for any hop off that origin.
   */
  async function send(url: string, init: RequestInit, headers: Headers): Promise<Response> {
    let at = url;
    for (let hop = 0; ; hop++) {
      const h = new Headers(headers);
      if (new URL(at).origin === runtimeOrigin) h.set("Authorization", `Bearer ${service.token}`);
      else h.delete("Authorization");
      const res = await doFetch(at, { ...init, headers: h, redirect: "manual" });
      const location = res.headers.get("location");
      const redirected = res.status >= 300 && res.status < 400 && location !== null;
      if (!redirected || init.method !== "GET" || hop >= MAX_REDIRECTS) return res;
      await res.body?.cancel();
      at = new URL(location, at).toString();
    }
  }

  async function request(what: string, url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has("Accept")) headers.set("Accept", json);
    let last = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res: Response | undefined;
      try {
        res = await send(url, init, headers);
      } catch (err) {
        last = messageOf(err);
      }
      if (res?.ok) return res;
      if (res) {
        const body = await res.text().catch(() => "");
        last = `HTTP ${res.status}${body ? `: ${body.slice(0, 300)}` : ""}`;
        if (!RETRYABLE.has(res.status)) break;
      }
      if (attempt < attempts) {
        const after = Number(res?.headers.get("retry-after"));
        await sleep(
          Number.isFinite(after) && after > 0 ? after * 1000 : baseDelay * 2 ** (attempt - 1),
        );
      }
    }
    throw new Error(`GHES artifact service: ${what} failed (${last}) at ${redact(url)}`);
  }

  /** The last listing: downloading every shard of a run reads it once, not once per shard. */
  let listed: ArtifactRecord[] | undefined;
  async function listRecords(): Promise<ArtifactRecord[]> {
    const res = await request("listing this run's artifacts", artifactsUrl(), { method: "GET" });
    const body = (await res.json()) as { value?: ArtifactRecord[] };
    listed = Array.isArray(body.value) ? body.value : [];
    return listed;
  }

  return {
    describe:
      "GitHub Enterprise Server artifacts of this workflow run (the upload-artifact@v3 service)",
    async upload(name, rootDir, files) {
      const root = resolve(rootDir);
      const created = await request(`creating artifact "${name}"`, artifactsUrl(), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          Type: "actions_storage",
          Name: name,
          ...(opts.retentionDays ? { RetentionDays: opts.retentionDays } : {}),
        }),
      });
      const container = ((await created.json()) as { fileContainerResourceUrl?: string })
        .fileContainerResourceUrl;
      if (!container)
        throw new Error(
          `GHES artifact service: creating artifact "${name}" returned no fileContainerResourceUrl`,
        );
      let total = 0;
      for (const file of files) {
        const bytes = await readFile(resolve(root, file));
        total += bytes.length;
        const url = new URL(container);
        url.searchParams.append("itemPath", `${name}/${file.split(sep).join("/")}`);
        // An empty file goes as one empty chunk, as the v3 client sends it.
        for (let start = 0; start < Math.max(bytes.length, 1); start += CHUNK_BYTES) {
          const chunk = bytes.subarray(start, Math.min(start + CHUNK_BYTES, bytes.length));
          await request(`uploading ${file} to "${name}"`, url.toString(), {
            method: "PUT",
            headers: {
              "Content-Type": "application/octet-stream",
              "Content-Range": `bytes ${start}-${start + chunk.length - 1}/${bytes.length}`,
            },
            body: chunk,
          });
        }
      }
      await request(`finalizing artifact "${name}"`, artifactsUrl({ artifactName: name }), {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ Size: total }),
      });
      return { files: files.length };
    },
    async list() {
      return (await listRecords()).map((a) => a.name).sort();
    },
    async download(name, destDir) {
      const record =
        listed?.find((a) => a.name === name) ?? (await listRecords()).find((a) => a.name === name);
      if (!record) throw new Error(`artifact "${name}" not found in this workflow run`);
      const url = new URL(record.fileContainerResourceUrl);
      url.searchParams.append("itemPath", name);
      const res = await request(`listing the files of "${name}"`, url.toString(), {
        method: "GET",
      });
      const items = ((await res.json()) as { value?: ContainerItem[] }).value ?? [];
      const dest = resolve(destDir);
      await mkdir(dest, { recursive: true });
      for (const item of items) {
        if (item.itemType !== "file") continue;
        const path = insideArtifact(name, item.path);
        if (!path || !item.contentLocation)
          throw new Error(
            `GHES artifact service: artifact "${name}" lists "${item.path}", which is not a file path inside it; nothing of it was unpacked past this item`,
          );
        const target = join(dest, path);
        const file = await request(`downloading ${item.path}`, item.contentLocation, {
          method: "GET",
          // fetch undoes a gzip content-encoding itself (the v3 client uploads small files gzipped).
          headers: { Accept: `application/octet-stream;api-version=${API_VERSION}` },
        });
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, Buffer.from(await file.arrayBuffer()));
      }
    },
  };
}

/**
 * An item's path relative to its artifact, or undefined for one that is not plainly inside it
 * (`..`, an absolute path, a backslash, an empty segment): the listing comes from the network.
 */
export function insideArtifact(name: string, itemPath: string): string | undefined {
  if (!itemPath.startsWith(`${name}/`)) return undefined;
  const rel = itemPath.slice(name.length + 1);
  if (rel === "" || isAbsolute(rel) || rel.includes("\\") || rel.includes("\0")) return undefined;
  const parts = rel.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return undefined;
  return parts.join(sep);
}

/** The URL without its query, for error messages (a signed URL's query is a credential). */
function redact(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
