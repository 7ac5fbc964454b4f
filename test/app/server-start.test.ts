import { generateKeyPairSync } from "node:crypto";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AppProcess,
  startAppProcess,
  waitHealthy,
} from "../helpers/loopback-github-app-process.js";
import { tempDir } from "../helpers/temp-dir.js";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

const started: AppProcess[] = [];
afterEach(() => {
  for (const a of started.splice(0)) a.proc.kill("SIGKILL");
});

async function start(env: Record<string, string>, dataDir = tempDir()) {
  const app = await startAppProcess({
    APP_ID: "123",
    PRIVATE_KEY: privateKey,
    // Nothing may be reached: a GitHub that is not there.
    GHE_HOST: "127.0.0.1:9",
    GHE_PROTOCOL: "http",
    LABGATE_DATA_DIR: dataDir,
    LOG_LEVEL: "info",
    ...env,
  });
  started.push(app);
  return app;
}

describe("the server refuses to start insecurely (npm start: probot run ./dist/app/index.js)", () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ["no WEBHOOK_SECRET", {}, /WEBHOOK_SECRET is not set/],
    [
      "no WEBHOOK_SECRET, NODE_ENV=production",
      { NODE_ENV: "production" },
      /WEBHOOK_SECRET is not set/,
    ],
    [
      "Probot's development default",
      { WEBHOOK_SECRET: "development" },
      /Probot's public development default/,
    ],
  ];
  for (const [label, env, message] of cases) {
    it(`${label}: exits 1 and says how to fix it`, async () => {
      const app = await start(env);
      const { code } = await app.exited;
      expect(code).toBe(1);
      expect(app.output()).toMatch(message);
      expect(app.output()).toMatch(/Set WEBHOOK_SECRET to the app's webhook secret/);
    });
  }

  it("with a real secret it serves, and /healthz reports the inbox", async () => {
    const app = await start({ WEBHOOK_SECRET: "a-real-secret-0123456789" });
    expect(await waitHealthy(app)).toEqual({
      status: "ok",
      inbox: { depth: 0, in_progress: 0, oldest_unfinished_age_s: 0, failed: 0 },
    });
    expect(app.proc.exitCode).toBeNull();
  });

  it("a corrupt inbox file: the log names it and where it was moved, and the server starts with a new one", async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, "inbox.sqlite"), "not a database\n".repeat(100));
    const app = await start({ WEBHOOK_SECRET: "a-real-secret-0123456789" }, dataDir);
    await waitHealthy(app);
    const moved = readdirSync(dataDir).find((f) => f.startsWith("inbox.sqlite.corrupt-"));
    expect(moved).toBeDefined();
    expect(app.output()).toContain(
      `the inbox ${join(dataDir, "inbox.sqlite")} could not be read (SQLITE_NOTADB: file is not a database); it was moved aside to ${join(dataDir, moved as string)}`,
    );
    expect(existsSync(join(dataDir, "inbox.sqlite"))).toBe(true);
  });
});
