/**
 * `--only <glob>`: `*` matches any run of characters, `?` one character, everything else is
 * literal. Several globs may be given separated by commas.
 */
export function runIdMatcher(globs: string): (runId: string) => boolean {
  const patterns = globs
    .split(",")
    .map((g) => g.trim())
    .filter((g) => g !== "")
    .map(
      (g) =>
        new RegExp(
          `^${g
            .split("")
            .map((c) =>
              c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
            )
            .join("")}$`,
        ),
    );
  return (runId) => patterns.some((p) => p.test(runId));
}
