/**
 * Where shard outputs travel between jobs of one workflow run. The Actions implementation needs
 * the runner's artifact service (ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL), which only exists
 * inside a real job; the directory implementation (LABGATE_ARTIFACT_DIR) serves local runs and
 * the tests, which run the bundled action the way the runner does.
 */
export interface ArtifactStore {
  /** Uploads `files` (paths relative to `rootDir`) as artifact `name`; names are unique per run. */
  upload(name: string, rootDir: string, files: readonly string[]): Promise<{ files: number }>;
  /** Names of this workflow run's artifacts. */
  list(): Promise<string[]>;
  /** Unpacks artifact `name` into `destDir`, keeping its relative paths. */
  download(name: string, destDir: string): Promise<void>;
  /** For summaries: "GitHub Actions artifacts" or the directory. */
  describe: string;
}
