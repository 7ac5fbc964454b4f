/** The repository an adapter call is about. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** The HTTP status of an Octokit error, or undefined for anything that is not an HTTP error. */
export function httpStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}
