import { resolve } from "node:path";
import type { ArtifactStore } from "./artifacts.js";

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

/**
 * Picks the store: LABGATE_ARTIFACT_DIR when set (local and test runs), else the Actions
 * artifact service, which exists only inside a workflow job.
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
  return actionsArtifactStore();
}
