/** What a dispatch workflow run was started for: the PR, the approved commit, the phase, the wave. */
export interface DispatchRunTarget {
  pr: number;
  sha: string;
  phase: string;
  /** Which wave of a campaign in waves (docs/runners.md, "Waves"); 1 when the title names none. */
  wave?: number;
}

/**
 * The dispatch workflow's `run-name` (templates/workflows/labgate-dispatch.yml) for its inputs.
 * labgate dispatches on the default branch, so a run's `head_sha` and `head_branch` are the
 * default branch's: the run's `display_title` is where the app reads back which PR, commit and
 * wave it ran (completing `labgate/phase8`, `/retry`, `/cancel`).
 */
export function dispatchRunTitle(t: DispatchRunTarget): string {
  return `labgate dispatch: PR #${t.pr} at ${t.sha} (${t.phase}, wave ${t.wave ?? 1})`;
}

// `(full)`: the title of a run started before the dispatch workflow named its wave, wave 1.
const TITLE =
  /^labgate dispatch: PR #([1-9][0-9]{0,9}) at ([0-9a-f]{40}) \(([a-z0-9:-]{1,32})(?:, wave ([1-9][0-9]{0,3}))?\)$/;

/** The target a dispatch run's title names, or undefined when it is not a labgate dispatch title. */
export function parseDispatchRunTitle(
  title: string | null | undefined,
): DispatchRunTarget | undefined {
  const m = TITLE.exec(title ?? "");
  if (!m) return undefined;
  return { pr: Number(m[1]), sha: m[2] as string, phase: m[3] as string, wave: Number(m[4] ?? 1) };
}
