/**
 * Whether every changed path lies under the results or dispatch directories: such a push (the
 * aggregate step committing results back) keeps an approval; anything else voids it (docs/approval.md).
 * An unusable directory setting ("", ".", "/") protects nothing.
 */
export function outsideResultPaths(files: readonly string[], dirs: readonly string[]): string[] {
  const prefixes = dirs
    .map((d) => d.replace(/^\.\//, "").replace(/\/+$/, ""))
    .filter((d) => d !== "" && d !== "." && !d.startsWith("/") && !d.split("/").includes(".."))
    .map((d) => `${d}/`);
  return files.filter((f) => !prefixes.some((p) => f.startsWith(p)));
}
