import { join } from "node:path";

/** What a shard job uploads besides the run files: who ran it, at which commit, which runs. */
export interface ShardManifest {
  shard: number;
  sha: string;
  run_url: string;
  runner: string;
  run_ids: string[];
  /** Set when the shard job itself failed (refused, crashed) rather than its runs. */
  error: string | null;
}

export const MANIFEST_DIR = ".labgate/shards";
export const manifestFile = (shard: number) => join(MANIFEST_DIR, `shard-${shard}.json`);

/**
 * `<prefix>-<shard>-attempt<n>`: unique within a workflow run, where a re-run job gets a new
 * attempt number and artifact names may not repeat.
 */
export function shardArtifactName(prefix: string, shard: number, attempt: string): string {
  return `${prefix}-${shard}-attempt${attempt}`;
}

/** Parses a shard artifact name back; undefined for other artifacts of the workflow run. */
export function parseShardArtifactName(
  prefix: string,
  name: string,
): { shard: number; attempt: number } | undefined {
  if (!name.startsWith(`${prefix}-`)) return undefined;
  const m = name.slice(prefix.length + 1).match(/^(\d+)-attempt(\d+)$/);
  return m ? { shard: Number(m[1]), attempt: Number(m[2]) } : undefined;
}
