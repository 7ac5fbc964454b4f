import { resolve } from "node:path";
import type { ArtifactStore } from "./artifacts.js";
import { legacyArtifactStore } from "./artifacts-ghes.js";

/** The workflow run's artifacts through @actions/artifact (the runner's artifact service). */
export function actionsArtifactStore(retentionDays = 7): ArtifactStore {
  // Imported on first use: the artifact client is large and most modes never touch it.
  let loaded: Promise<import("@actions/artifact").ArtifactClient> | undefined;
  const artifactClient = () => {
    loaded ??= import("@actions/artifact").then((m) => new m.DefaultArtifactClient());
    return loaded;
  };
  return {
    describe: "GitHub Actions artifacts of this workflow run",
    async upload(name, rootDir, files) {
      const root = resolve(rootDir);
      const client = await artifactClient();
      await client.uploadArtifact(
        name,
        files.map((f) => resolve(root, f)),
        root,
        { retentionDays },
      );
      return { files: files.length };
    },
    async list() {
      const { artifacts } = await (await artifactClient()).listArtifacts({ latest: true });
      return artifacts.map((a) => a.name).sort();
    },
    async download(name, destDir) {
      const client = await artifactClient();
      const { artifact } = await client.getArtifact(name);
      await client.downloadArtifact(artifact.id, { path: destDir });
    },
  };
}

/** Which artifact service a workflow job talks to. */
export type ArtifactService = "v4" | "ghes-v3";

/**
 * GitHub Enterprise Server, by the workflow's server URL: neither github.com nor a `*.ghe.com`
 * (GitHub Enterprise Cloud with data residency) host. The same test as @actions/artifact's own.
 */
export function isGhesServer(serverUrl: string | undefined): boolean {
  let host: string;
  try {
    host = new URL(serverUrl || "https://github.com").hostname.toLowerCase();
  } catch {
    return false;
  }
  return host !== "github.com" && !host.endsWith(".ghe.com") && !host.endsWith(".localhost");
}

/**
 * The service of this job: `LABGATE_ARTIFACT_STORE` (`v4` | `v3`) where set, else the earlier
 * (upload-artifact@v3) service on GitHub Enterprise Server, which has no other, else the current
 * one. Bad values are an error naming the variable.
 */
export function artifactServiceFor(env: NodeJS.ProcessEnv): ArtifactService {
  const forced = env.LABGATE_ARTIFACT_STORE?.trim();
  if (forced === "v4") return "v4";
  if (forced === "v3") return "ghes-v3";
  if (forced)
    throw new Error(
      `LABGATE_ARTIFACT_STORE is "${forced}"; it takes v4 (GitHub.com's artifact service) or v3 (GitHub Enterprise Server's), or unset it to let labgate choose by GITHUB_SERVER_URL`,
    );
  return isGhesServer(env.GITHUB_SERVER_URL) ? "ghes-v3" : "v4";
}

/**
 * Picks the store: LABGATE_ARTIFACT_DIR when set (local and test runs), else the workflow run's
 * artifacts, which exist only inside a workflow job: through @actions/artifact on GitHub.com, or
 * the earlier service on GitHub Enterprise Server (docs/github-limits.md).
 */
export function chooseArtifactStore(
  env: NodeJS.ProcessEnv,
  directory: (dir: string) => ArtifactStore,
): ArtifactStore {
  if (env.LABGATE_ARTIFACT_DIR) return directory(env.LABGATE_ARTIFACT_DIR);
  if (!env.ACTIONS_RUNTIME_TOKEN)
    throw new Error(
      "no artifact store: ACTIONS_RUNTIME_TOKEN is not set (this is not a workflow job). Set LABGATE_ARTIFACT_DIR to a directory to keep shard artifacts locally.",
    );
  if (artifactServiceFor(env) === "v4") return actionsArtifactStore();
  const missing = ["ACTIONS_RUNTIME_URL", "GITHUB_RUN_ID"].filter((k) => !env[k]);
  if (missing.length > 0)
    throw new Error(
      `no artifact store: GitHub Enterprise Server's artifact service needs ${missing.join(" and ")}, which the runner sets in every job; is this step inside a workflow job?`,
    );
  return legacyArtifactStore(
    {
      runtimeUrl: env.ACTIONS_RUNTIME_URL as string,
      token: env.ACTIONS_RUNTIME_TOKEN,
      runId: env.GITHUB_RUN_ID as string,
    },
    { retentionDays: 7 },
  );
}
