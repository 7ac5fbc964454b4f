// Webhook latency and API cost of the GitHub App (issue 5, docs/github-limits.md): time from a webhook's
// receipt to its 2xx (p50, p99) and the GitHub API requests one `pull_request.synchronize` on the
// example campaign costs; then the same with the server's durable inbox (issue 12: each delivery
// written to SQLite, WAL + synchronous=FULL, before the 2xx), the requests of a push over a
// standing approval (the approval carried), and the deliveries per second the inbox store
// sustains (FULL against NORMAL). The API is a local HTTP fake reached the GitHub Enterprise way
// (GHE_HOST=127.0.0.1:<port>, GHE_PROTOCOL=http). Baseline, measured in the same run: the same
// Probot server with an app that registers the same events and does nothing.
import { createHmac, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { createLabgateApp } from "../dist/app/create-app.js";
import { inboxRuntime } from "../dist/app/inbox/inbox-runtime.js";
import { inboxStore } from "../dist/app/inbox/inbox-store.js";
import { openInboxStore } from "../dist/app/inbox/open-inbox-store.js";
import { createWorkQueue } from "../dist/app/work-queue.js";
import { encodeApproval } from "../dist/github/check-run-protocol.js";
import { table } from "./lib.js";

const examples = createRequire(import.meta.url)("@octokit/webhooks-examples");

const N = 200;
const SECRET = "bench-secret";
const root = new URL("../", import.meta.url);
const files = Object.fromEntries(
  [".github/labgate.yml", "experiments/definitions.json", "experiments/scripts/train.py"].map(
    (p) => [p, readFileSync(new URL(p, root), "utf8")],
  ),
);

// --- the fake GitHub API -------------------------------------------------------------------------
let requests = [];
/** When set, the commit a push goes over holds a standing approval of this app (app id 1). */
let approvedBefore = false;
const api = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => {
    requests.push(`${req.method} ${req.url.split("?")[0]}`);
    const json = (status, data) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(data === undefined ? "" : JSON.stringify(data));
    };
    const url = req.url;
    if (url.includes("/access_tokens"))
      return json(201, { token: "ghs_bench", expires_at: "2099-01-01T00:00:00Z", permissions: {} });
    if (url.endsWith("/graphql")) {
      const { query } = JSON.parse(body);
      const repository = {};
      for (const m of query.matchAll(/(f\d+): object\(expression: "([^"]+)"\)/g)) {
        const text = files[m[2].split(":").slice(1).join(":")];
        repository[m[1]] =
          text === undefined ? null : { text, byteSize: text.length, isBinary: false };
      }
      return json(200, { data: { repository } });
    }
    // The contents API over the same files as the GraphQL batches, at any ref (the default
    // branch's `.github/labgate.yml` is the policy the review reads first).
    if (req.method === "GET" && url.includes(`/repos/${payload.repository.full_name}/contents/`)) {
      const path = decodeURIComponent(url.split("/contents/")[1].split("?")[0]);
      const text = files[path];
      return text === undefined
        ? json(404, { message: "Not Found" })
        : json(200, {
            type: "file",
            size: text.length,
            encoding: "base64",
            content: Buffer.from(text).toString("base64"),
          });
    }
    if (url.includes("/contents/")) return json(404, { message: "Not Found" });
    // The default branch (labgate takes it from the payload now), then the gates workflow
    // dispatched there for the code-review dry-run.
    if (req.method === "GET" && /\/repos\/[^/]+\/[^/?]+$/.test(url.split("?")[0]))
      return json(200, { default_branch: "master" });
    if (req.method === "POST" && url.endsWith("/dispatches")) return json(204);
    if (req.method === "POST" && url.endsWith("/check-runs")) return json(201, { id: 1 });
    // The push-over-an-approval run: labgate's own approval record on the commit pushed over, and a
    // results-only push, so the approval is carried to the new head.
    if (approvedBefore && url.includes(`/commits/${payload.before}/check-runs`))
      return json(200, { total_count: 1, check_runs: [approvalCheck] });
    if (approvedBefore && url.includes("/compare/"))
      return json(200, {
        status: "ahead",
        files: [{ filename: "experiments/results/aggregated.json" }],
      });
    if (url.includes("/check-runs")) return json(200, { total_count: 0, check_runs: [] });
    if (req.method === "GET" && url.includes("/comments"))
      return json(200, [{ id: 10, body: "<!-- labgate:dashboard -->\nold" }]);
    if (req.method === "PATCH" && url.includes("/comments/")) return json(200, { id: 10 });
    if (req.method === "POST" && url.includes("/comments")) return json(201, { id: 10 });
    return json(404, { message: `bench fake: no route for ${req.method} ${url}` });
  });
});
await new Promise((r) => api.listen(0, "127.0.0.1", r));
process.env.GHE_HOST = `127.0.0.1:${api.address().port}`;
process.env.GHE_PROTOCOL = "http";
const baseUrl = `http://${process.env.GHE_HOST}/api/v3`;

// --- the app server --------------------------------------------------------------------------------
const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

async function startServer(appFn) {
  const probot = new Probot({
    appId: 1,
    privateKey,
    secret: SECRET,
    baseUrl,
    logLevel: "fatal",
    // Probot spaces write requests 1 s apart by default; that only slows the background work here.
    Octokit: ProbotOctokit.defaults((o) => ({ ...o, throttle: { enabled: false } })),
  });
  const middleware = await createNodeMiddleware(appFn, { probot });
  const server = createServer((req, res) => middleware(req, res, () => res.writeHead(404).end()));
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${server.address().port}/api/github/webhooks` };
}

const payload = structuredClone(
  examples.find((e) => e.name === "pull_request").examples.find((e) => e.action === "synchronize"),
);
const body = JSON.stringify(payload);
const approvalCheck = {
  id: 500,
  name: "labgate/phase8",
  head_sha: payload.before,
  status: "in_progress",
  conclusion: null,
  external_id: encodeApproval({
    v: 1,
    pr: payload.number,
    sha: payload.before,
    phase: "full",
    by: "octocat",
    at: "2026-01-01T00:00:00Z",
    state: "approved",
  }),
  app: { id: 1, slug: "labgate" },
  output: { title: "approved", summary: "" },
  html_url: "https://github.com/Codertocat/Hello-World/runs/500",
};
const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;

async function deliver(url, i) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(url, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": `bench-${i}`,
      "x-hub-signature-256": signature,
    },
  });
  await res.text();
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function measure(appFn, waiter) {
  const { server, url } = await startServer(appFn);
  const latencies = [];
  const perEvent = [];
  const workMs = [];
  // 20 warm-up deliveries (JIT, sockets) are not counted, except for the first event's requests.
  for (let i = -20; i < N; i++) {
    requests = [];
    const t0 = process.hrtime.bigint();
    const ms = await deliver(url, i);
    if (waiter) await waiter.idle();
    if (i === -20) perEvent.push(requests.length);
    if (i < 0) continue;
    latencies.push(ms);
    workMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    perEvent.push(requests.length);
  }
  server.close();
  return { latencies, perEvent, workMs, lastRequests: requests };
}

const noop = (app) => {
  for (const e of ["pull_request", "issue_comment", "check_suite", "check_run", "workflow_run"])
    app.on(e, async () => {});
};
const baseline = await measure(noop);
const errors = [];
const queue = createWorkQueue((err) => errors.push(err));
const labgate = await measure(createLabgateApp({ queue }), queue);
// As `npm start` runs it (APP_ID set): the app trusts, and so reads back, its own check runs.
const server = await measure(createLabgateApp({ queue, trust: { app_id: 1 } }), queue);
const dataDir = mkdtempSync(join(tmpdir(), "labgate-bench-inbox-"));
const opened = openInboxStore(dataDir, new Date());
if (!opened.ok) throw new Error(opened.message);
const inbox = inboxRuntime({
  store: opened.store,
  retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
  redeliveryIntervalMs: 0,
});
const durable = await measure(createLabgateApp({ inbox }), inbox);
inbox.stop();
// A push over a standing approval: the approval is looked up, the push's files compared and the
// approval carried, with the same policy read the review made (read once per work item).
approvedBefore = true;
const carried = await measure(createLabgateApp({ queue, trust: { app_id: 1 } }), queue);
approvedBefore = false;
const inboxFailed = opened.store.stats().failed;
opened.store.close();
api.close();
if (errors.length > 0) throw errors[0];
if (inboxFailed > 0) throw new Error(`${inboxFailed} deliveries failed in the durable inbox run`);

const row = (name, m) => [
  name,
  pct(m.latencies, 50).toFixed(2),
  pct(m.latencies, 99).toFixed(2),
  m.perEvent[0],
  pct(m.perEvent.slice(1), 50),
  pct(m.workMs, 50).toFixed(1),
];
console.log(
  `pull_request.synchronize on the example campaign, ${N} deliveries each, API fake on 127.0.0.1`,
);
table(
  [
    "app",
    "2xx p50 ms",
    "2xx p99 ms",
    "API req (1st event)",
    "API req (steady)",
    "work done p50 ms",
  ],
  [
    row("no-op baseline", baseline),
    row("labgate (in-memory queue)", labgate),
    row("labgate, APP_ID set (server)", server),
    row("labgate + durable inbox", durable),
    row("labgate, push over an approval", carried),
  ],
);
const p99 = pct(durable.latencies, 99);
console.log(
  `\np99 to 2xx with the durable inbox: ${p99.toFixed(2)} ms (target < 100 ms), ${(p99 / pct(baseline.latencies, 99)).toFixed(2)}x the no-op baseline; p50 ${(pct(durable.latencies, 50) / pct(baseline.latencies, 50)).toFixed(2)}x`,
);
console.log(
  `API requests per synchronize: ${labgate.perEvent[0]} on the first event (includes the installation token), ${pct(labgate.perEvent.slice(1), 50)} after (target <= 10)`,
);
console.log(
  `API requests per synchronize with APP_ID set (the server): ${pct(server.perEvent.slice(1), 50)} (target <= 10): ${server.lastRequests.join(", ")}`,
);
console.log(`requests of one synchronize: ${labgate.lastRequests.join(", ")}`);
console.log(
  `API requests per synchronize over a standing approval (results-only push, approval carried): ${pct(carried.perEvent.slice(1), 50)}: ${carried.lastRequests.join(", ")}`,
);

// --- what the inbox store sustains -----------------------------------------------------------------
// record + markDone of the real payload, one transaction each, as a delivery costs the server.
function storeRate(synchronous) {
  const dir = mkdtempSync(join(tmpdir(), "labgate-bench-store-"));
  // The same store the server opens (open-inbox-store.js: WAL, FULL), with `synchronous` set here.
  const db = new Database(join(dir, "inbox.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${synchronous}`);
  const store = inboxStore(db, dir);
  const n = 2000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    store.record({
      id: `rate-${i}`,
      name: "pull_request",
      payload,
      installationId: 1,
      receivedAt: Date.now(),
    });
    store.markDone(`rate-${i}`, Date.now());
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return n / s;
}
rmSync(dataDir, { recursive: true, force: true });
const full = storeRate("FULL");
const normal = storeRate("NORMAL");
console.log(
  `inbox store: ${full.toFixed(0)} deliveries/s stored and marked done with synchronous=FULL (what the server uses), ${normal.toFixed(0)}/s with NORMAL; payload ${(body.length / 1024).toFixed(0)} KiB`,
);
