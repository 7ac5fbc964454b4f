import { apiBaseUrl } from "../github/octokit.js";

/** What the Actions runner tells a JavaScript action through its environment, read once. */
export interface ActionEnv {
  owner: string;
  repo: string;
  apiUrl: string;
  serverUrl: string;
  runId: string;
  runAttempt: string;
  /** The workflow run's page: the `Labgate-Run:` trailer and every summary link. */
  runUrl: string;
  workspace: string;
  eventPath: string | undefined;
  /** GITHUB_EVENT_NAME: the event that started the workflow. */
  eventName: string | undefined;
  /** "github-hosted" | "self-hosted" (RUNNER_ENVIRONMENT); undefined on older runners. */
  runnerEnvironment: string | undefined;
  runnerName: string;
  tempDir: string;
  /** Directory-based artifact store for local and test runs (LABGATE_ARTIFACT_DIR). */
  artifactDir: string | undefined;
}

export function readActionEnv(env: NodeJS.ProcessEnv, fallbackTemp: string): ActionEnv {
  const [owner = "", repo = ""] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const serverUrl = env.GITHUB_SERVER_URL ?? "https://github.com";
  const runId = env.GITHUB_RUN_ID ?? "0";
  return {
    owner,
    repo,
    apiUrl: apiBaseUrl(env),
    serverUrl,
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? "1",
    runUrl: `${serverUrl}/${owner}/${repo}/actions/runs/${runId}`,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    eventPath: env.GITHUB_EVENT_PATH || undefined,
    eventName: env.GITHUB_EVENT_NAME || undefined,
    runnerEnvironment: env.RUNNER_ENVIRONMENT || undefined,
    runnerName: env.RUNNER_NAME ?? "local",
    tempDir: env.RUNNER_TEMP || fallbackTemp,
    artifactDir: env.LABGATE_ARTIFACT_DIR || undefined,
  };
}
