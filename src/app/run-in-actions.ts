import { readFile } from "node:fs/promises";
import { Probot, ProbotOctokit } from "probot";
import { apiBaseUrl } from "../github/octokit.js";
import { createLabgateApp } from "./create-app.js";
import { createWorkQueue } from "./work-queue.js";

export interface ActionsModeResult {
  event: string;
  failures: string[];
}

/**
 * Actions mode: the app's handlers, run once on the workflow's own event with the workflow's
 * token — no server to host. The same code path as a webhook delivery, then it waits for the
 * queued work before the job ends.
 */
export async function runInActions(env: NodeJS.ProcessEnv): Promise<ActionsModeResult> {
  const name = env.GITHUB_EVENT_NAME;
  const path = env.GITHUB_EVENT_PATH;
  const token = env.GITHUB_TOKEN;
  const missing = [
    ["GITHUB_EVENT_NAME", name],
    ["GITHUB_EVENT_PATH", path],
    ["GITHUB_TOKEN", token],
  ]
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0)
    throw new Error(
      `Actions mode needs ${missing.join(", ")}: run it in a workflow step with \`env: GITHUB_TOKEN: \${{ github.token }}\` (templates/workflows/labgate-app.yml).`,
    );
  const payload = JSON.parse(await readFile(path as string, "utf8"));
  const failures: string[] = [];
  const queue = createWorkQueue((err, key) => failures.push(`${key}: ${(err as Error).message}`));
  const probot = new Probot({
    githubToken: token as string,
    baseUrl: apiBaseUrl(env),
    Octokit: ProbotOctokit,
    logLevel: "info",
  });
  await probot.load(createLabgateApp({ queue }));
  await probot.receive({
    id: env.GITHUB_RUN_ID ?? "actions",
    name: name as "pull_request",
    payload,
  });
  await queue.idle();
  return { event: `${name}.${payload.action ?? ""}`, failures };
}
