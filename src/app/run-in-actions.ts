import { readFile } from "node:fs/promises";
import { Probot, ProbotOctokit } from "probot";
import { messageOf } from "../core/failure/failure.js";
import { apiBaseUrl } from "../github/octokit.js";
import { providerFromEnv } from "../llm/provider-from-env.js";
import type { ReviewProvider } from "../llm/review-provider.js";
import { createLabgateApp } from "./create-app.js";
import { createWorkQueue } from "./work-queue.js";

export interface ActionsModeResult {
  event: string;
  failures: string[];
}

/** What Actions mode needs of the workflow step; each shell (the CLI, the action) reads its own. */
export interface ActionsModeInput {
  /** GITHUB_EVENT_NAME */
  eventName: string | undefined;
  /** GITHUB_EVENT_PATH: the event payload the runner wrote. */
  eventPath: string | undefined;
  token: string | undefined;
  /** Where the token came from, for the message when it is missing. */
  tokenFrom: string;
  apiUrl: string;
  /** GITHUB_RUN_ID: the delivery id the handlers log. */
  runId: string | undefined;
  /** The design debate's language-model reviewer the shell built from its environment, or none. */
  provider?: ReviewProvider | undefined;
}

/** The input as `labgate app` (the CLI) reads it: the token from GITHUB_TOKEN. */
export function actionsModeInputFromEnv(env: NodeJS.ProcessEnv): ActionsModeInput {
  return {
    eventName: env.GITHUB_EVENT_NAME || undefined,
    eventPath: env.GITHUB_EVENT_PATH || undefined,
    token: env.GITHUB_TOKEN || undefined,
    tokenFrom: "GITHUB_TOKEN",
    apiUrl: apiBaseUrl(env),
    runId: env.GITHUB_RUN_ID || undefined,
    provider: providerFromEnv(env),
  };
}

/**
 * Actions mode: the app's handlers, run once on the workflow's own event with the workflow's
 * token — no server to host. The same code path as a webhook delivery, then it waits for the
 * queued work before the job ends. `labgate app` and the action's `app` mode both call it.
 */
export async function runInActions(input: ActionsModeInput): Promise<ActionsModeResult> {
  const { eventName: name, eventPath: path, token } = input;
  const missing = [
    ["GITHUB_EVENT_NAME", name],
    ["GITHUB_EVENT_PATH", path],
    [input.tokenFrom, token],
  ]
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length > 0)
    throw new Error(
      `Actions mode needs ${missing.join(", ")}: run it as a workflow step, \`uses: labgate/labgate/action@<sha>\` with \`mode: app\` (templates/workflows/labgate-app.yml).`,
    );
  const payload = JSON.parse(await readFile(path as string, "utf8"));
  const failures: string[] = [];
  const queue = createWorkQueue((err, key) => failures.push(`${key}: ${messageOf(err)}`));
  const probot = new Probot({
    githubToken: token as string,
    baseUrl: input.apiUrl,
    Octokit: ProbotOctokit,
    logLevel: "info",
  });
  // GITHUB_TOKEN writes as the github-actions app, as a PR's own workflow can: no check run is
  // trusted by its author here, and approvals recompute the gates (docs/security.md).
  await probot.load(
    createLabgateApp({
      queue,
      trust: { app_id: null },
      ...(input.provider ? { provider: input.provider } : {}),
    }),
  );
  await probot.receive({
    id: input.runId ?? "actions",
    name: name as "pull_request",
    payload,
  });
  await queue.idle();
  return { event: `${name}.${payload.action ?? ""}`, failures };
}
