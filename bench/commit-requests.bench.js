// The results commit and the runner job's start-up.
// 1. API requests per results commit of N files: labgate's Git Data API commit (one tree with
//    inline content) vs one request per file (the Contents API, one PUT — and one commit — per
//    file), both against the same local HTTP server that answers like GitHub and counts requests.
//    Target: constant (5) whatever N.
// 2. Time from the action's start (`node action/dist/index.js`, mode run) to the first run's
//    process start, beside a bare `node -e ""` start measured in the same run.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { encodePolicy } from "../dist/action/policy-handoff.js";
import { parseConfig } from "../dist/core/config/parse-config.js";
import { gitDataCommit } from "../dist/github/git-data-commit.js";
import { createOctokit } from "../dist/github/octokit.js";
import { table } from "./lib.js";

const ROOT = new URL("..", import.meta.url).pathname;
const sha = (s) => createHash("sha1").update(s).digest("hex");

// A GitHub that accepts everything and counts: refs, commits, trees, contents.
let count = 0;
let bytes = 0;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => {
    count++;
    bytes += body.length;
    const s = sha(`${req.url}${body}${count}`);
    const url = req.url ?? "";
    let out = { sha: s };
    if (url.includes("/git/ref/")) out = { object: { sha: s } };
    else if (url.includes("/git/commits/")) out = { sha: s, tree: { sha: sha("base") } };
    else if (url.includes("/contents/")) out = { content: { sha: s }, commit: { sha: s } };
    res.writeHead(req.method === "GET" ? 200 : 201, { "content-type": "application/json" });
    res.end(JSON.stringify(out));
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const baseUrl = `http://127.0.0.1:${server.address().port}`;
const octokit = createOctokit({ token: "t", baseUrl, retries: 0 });
const files = (n) =>
  Array.from({ length: n }, (_, i) => ({
    path: `experiments/results/runs/run_${i}.json`,
    content: `${JSON.stringify({ metrics: { accuracy: i / (n + 1), loss: 1 - i / (n + 1) } })}\n`,
  }));

// Warm up the client and the server once, so the first row measures the commit, not JIT start.
await gitDataCommit(octokit, {
  owner: "o",
  repo: "r",
  branch: "b",
  under: ["experiments/results"],
  message: "m",
  files: files(1),
});
const rows = [];
for (const n of [1, 10, 100, 1000]) {
  // Request counts from one commit; time as the median of 3 (this machine is shared and noisy).
  const times = [];
  let ours = 0;
  for (let rep = 0; rep < 3; rep++) {
    count = 0;
    bytes = 0;
    const t = performance.now();
    await gitDataCommit(octokit, {
      owner: "lab",
      repo: "study",
      branch: "pr",
      under: ["experiments/results"],
      message: "results",
      files: files(n),
    });
    times.push(performance.now() - t);
    ours = count;
  }
  const oursMs = times.sort((a, b) => a - b)[1];
  const payloadKb = Math.round(bytes / 1024);
  count = 0;
  const t0 = performance.now();
  for (const f of files(n))
    await octokit.rest.repos.createOrUpdateFileContents({
      owner: "lab",
      repo: "study",
      branch: "pr",
      path: f.path,
      message: "results",
      content: Buffer.from(f.content).toString("base64"),
    });
  const perFileMs = performance.now() - t0;
  const perFile = count;
  rows.push([
    n,
    ours,
    perFile,
    `${(perFile / ours).toFixed(1)}x`,
    oursMs.toFixed(1),
    perFileMs.toFixed(1),
    payloadKb,
  ]);
}
server.close();
console.log(
  "API requests per results commit (local server; times exclude GitHub's latency; the per-file way also makes one commit per file):",
);
table(
  [
    "files",
    "labgate requests",
    "per-file requests",
    "ratio",
    "labgate ms",
    "per-file ms",
    "labgate request KB",
  ],
  rows,
);

// --- 2. action start -> first run's process start -------------------------------------------
const repo = mkdtempSync(join(tmpdir(), "labgate-bench-action-"));
const write = (p, text) => {
  mkdirSync(dirname(join(repo, p)), { recursive: true });
  writeFileSync(join(repo, p), text);
};
write(
  "experiments/definitions.json",
  JSON.stringify({
    version: 1,
    project: "bench",
    title: "bench",
    hypotheses: [{ id: "H1", claim: "c", metric: "m", direction: "higher" }],
    methods: [{ id: "a", label: "A", group: "baseline" }],
    datasets: [{ id: "d", label: "D", metric: "m" }],
    defaults: {
      command: "python3 noop.py --seed {seed} --result-file {result_file}",
      seeds: Array.from({ length: 20 }, (_, i) => i + 1),
      expected_duration_hours: 0.01,
      vram_mb: 0,
      hypotheses: ["H1"],
    },
    experiments: [{ id: "e", phase: "full", method: "a", dataset: "d" }],
  }),
);
write(
  "noop.py",
  "import sys, json, os\nf = sys.argv[sys.argv.index('--result-file') + 1]\nos.makedirs(os.path.dirname(f), exist_ok=True)\njson.dump({'metrics': {'m': 1}}, open(f, 'w'))\n",
);
write(".gitignore", ".labgate/\n");
const git = (...a) =>
  execFileSync("git", a, {
    cwd: repo,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "b",
      GIT_AUTHOR_EMAIL: "b@b",
      GIT_COMMITTER_NAME: "b",
      GIT_COMMITTER_EMAIL: "b@b",
    },
  }).trim();
git("init", "-q");
git("add", "-A");
git("commit", "-qm", "bench");
const head = git("rev-parse", "HEAD");

// The run job receives the default branch's policy from the plan job (its `policy` output).
const parsedPolicy = parseConfig(".github/labgate.yml", "");
if (!parsedPolicy.ok) throw new Error("bench: the default config does not parse");
const POLICY = encodePolicy(parsedPolicy.config);

function firstStart(attempt) {
  const store = mkdtempSync(join(tmpdir(), "labgate-bench-store-"));
  // The runner creates these files before a step starts; @actions/core appends to them.
  writeFileSync(join(store, "out"), "");
  writeFileSync(join(store, "summary"), "");
  rmSync(join(repo, ".labgate"), { recursive: true, force: true });
  rmSync(join(repo, "dispatch"), { recursive: true, force: true });
  rmSync(join(repo, "experiments/results"), { recursive: true, force: true });
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(ROOT, "action/dist/index.js")], {
      env: {
        ...process.env,
        INPUT_MODE: "run",
        INPUT_POLICY: POLICY,
        INPUT_SHA: head,
        INPUT_SHARD: "0",
        GITHUB_WORKSPACE: repo,
        GITHUB_RUN_ATTEMPT: String(attempt),
        LABGATE_ARTIFACT_DIR: join(store, "artifacts"),
        GITHUB_OUTPUT: join(store, "out"),
        GITHUB_STEP_SUMMARY: join(store, "summary"),
      },
    });
    let wall;
    let inProcess;
    child.stdout.on("data", (d) => {
      const m = String(d).match(/first run process started (\d+) ms/);
      if (m && wall === undefined) {
        wall = performance.now() - t0;
        inProcess = Number(m[1]);
      }
    });
    child.on("close", (code) => {
      rmSync(store, { recursive: true, force: true });
      resolve({ wall, inProcess, code });
    });
  });
}

const samples = [];
for (let i = 1; i <= 5; i++) samples.push(await firstStart(i));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const nodeStart = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  spawnSync(process.execPath, ["-e", ""]);
  nodeStart.push(performance.now() - t0);
}
const bundleKb = Math.round(readFileSync(join(ROOT, "action/dist/index.js")).length / 1024);
console.log(
  `\naction start -> first run's process start (mode run, 20 runs, ${bundleKb} KB bundle, median of 5):`,
);
table(
  ["measure", "ms"],
  [
    ["spawn -> first run started (wall)", median(samples.map((s) => s.wall)).toFixed(0)],
    ["inside the action (since process start)", median(samples.map((s) => s.inProcess)).toFixed(0)],
    ['baseline: bare `node -e ""` start', median(nodeStart).toFixed(0)],
  ],
);
console.log(
  `ratio wall / bare node start: ${(median(samples.map((s) => s.wall)) / median(nodeStart)).toFixed(1)}x; exit codes ${samples.map((s) => s.code).join(",")}`,
);
rmSync(repo, { recursive: true, force: true });
