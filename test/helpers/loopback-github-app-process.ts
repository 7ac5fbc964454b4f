import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface AppProcess {
  proc: ChildProcess;
  /** The webhook URL. */
  url: string;
  base: string;
  /** Everything it wrote (JSON log lines from Probot's pino, and stderr). */
  output(): string;
  /** Resolves with the exit code and signal once it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A free loopback port (Probot takes PORT=0 as "unset" and would use 3000). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * `probot run ./dist/app/index.js` — the real server `npm start` runs (dist/ is built by the
 * vitest global setup) — with `env` on top of a minimal environment (no GitHub token of the test
 * runner leaks in).
 */
export async function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  const port = await freePort();
  let out = "";
  const proc = spawn(
    process.execPath,
    ["node_modules/probot/bin/probot.js", "run", "./dist/app/index.js"],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOST: "127.0.0.1",
        PORT: String(port),
        LOG_FORMAT: "json",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  proc.stdout?.on("data", (c) => {
    out += c;
  });
  proc.stderr?.on("data", (c) => {
    out += c;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.on("exit", (code, signal) => r({ code, signal })),
  );
  const base = `http://127.0.0.1:${port}`;
  return { proc, url: `${base}/api/github/webhooks`, base, output: () => out, exited };
}

/** Polls `/healthz` until it answers (bounded), or the process ended. */
export async function waitHealthy(app: AppProcess, timeoutMs = 20_000): Promise<unknown> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (app.proc.exitCode !== null || app.proc.signalCode !== null)
      throw new Error(`the app exited before it was healthy:\n${app.output().slice(-3000)}`);
    try {
      const res = await fetch(`${app.base}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.status === 200) return await res.json();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no /healthz within ${timeoutMs} ms:\n${app.output().slice(-3000)}`);
}
