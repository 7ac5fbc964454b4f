/** What a gates workflow run tested: the PR and its head commit. */
export interface GatesRunTarget {
  pr: number;
  sha: string;
}

/**
 * The gates workflow's `run-name` (templates/workflows/labgate-gates.yml) for `inputs.pr` and
 * `inputs.sha`. A `workflow_dispatch` run's `head_sha` is the default branch's commit, not the PR's,
 * so the run's `display_title` is where the app reads back which commit it tested.
 */
export function gatesRunTitle(t: GatesRunTarget): string {
  return `labgate gates: PR #${t.pr} at ${t.sha}`;
}

const TITLE = /^labgate gates: PR #([1-9][0-9]{0,9}) at ([0-9a-f]{40})$/;

/** The PR and SHA a gates run names, or undefined when the title is not a gates run's. */
export function parseGatesRunTitle(title: string | null | undefined): GatesRunTarget | undefined {
  const m = TITLE.exec(title ?? "");
  if (!m) return undefined;
  return { pr: Number(m[1]), sha: m[2] as string };
}
