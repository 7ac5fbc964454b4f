import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
let bundle: string | undefined;

/**
 * The action bundled from the current source with the same script as `npm run build:action`,
 * once per test file. CI separately fails when the committed action/dist differs from a rebuild.
 */
export function bundledAction(): string {
  if (bundle) return bundle;
  const outdir = mkdtempSync(join(tmpdir(), "labgate-action-dist-"));
  const r = spawnSync(
    process.execPath,
    [join(ROOT, "scripts/build-action.js"), "--outdir", outdir],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(`bundling the action failed:\n${r.stderr}`);
  bundle = join(outdir, "index.js");
  return bundle;
}

export interface ActionRun {
  code: number;
  /** stdout + stderr: the job log, with ::error:: workflow commands. */
  log: string;
  outputs: Record<string, string>;
  summary: string;
  ms: number;
}

/** Runs the bundled action the way the runner does: `node dist/index.js` with INPUT_* and GITHUB_* env. */
export function runBundledAction(
  inputs: Record<string, string>,
  env: Record<string, string>,
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), "labgate-runner-"));
  const outputFile = join(dir, "output");
  const summaryFile = join(dir, "summary");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
  );
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (
      v !== undefined &&
      !k.startsWith("GITHUB_") &&
      !k.startsWith("INPUT_") &&
      !k.startsWith("ACTIONS_")
    )
      base[k] = v;
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bundledAction()],
      {
        cwd: opts.cwd ?? dir,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...base,
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: summaryFile,
          GITHUB_REPOSITORY: "lab/study",
          GITHUB_SERVER_URL: "https://github.example",
          GITHUB_RUN_ID: "4242",
          GITHUB_RUN_ATTEMPT: "1",
          RUNNER_TEMP: dir,
          RUNNER_NAME: "gpu-box-1",
          LABGATE_API_RETRIES: "0",
          ...inputEnv,
          ...env,
        },
      },
      (err, stdout, stderr) => {
        resolve({
          code: err ? (typeof err.code === "number" ? err.code : 1) : 0,
          log: `${stdout}${stderr}`,
          outputs: parseOutputs(readFileSync(outputFile, "utf8")),
          summary: readFileSync(summaryFile, "utf8"),
          ms: Date.now() - started,
        });
      },
    );
  });
}

/** GITHUB_OUTPUT's `name<<delimiter\nvalue\ndelimiter` records. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i]?.match(/^([^<]+)<<(.+)$/);
    if (!m) continue;
    const end = lines.indexOf(m[2] as string, i + 1);
    out[m[1] as string] = lines.slice(i + 1, end).join("\n");
    i = end;
  }
  return out;
}
