/**
 * The `--only` run-id globs of the full experiments marked `"nightly": true`, comma separated;
 * `undefined` when there are none. `<id>_s*` is the plain run and `<id>__*` its params variants;
 * `<id>*` alone would also catch `<id>-v2`.
 */
export function nightlyRunGlobs(
  experiments: readonly { id: string; phase: string; nightly?: boolean }[],
): string | undefined {
  const ids = experiments.filter((e) => e.nightly && e.phase === "full").map((e) => e.id);
  if (ids.length === 0) return undefined;
  return ids.flatMap((id) => [`${id}_s*`, `${id}__*`]).join(",");
}
