/**
 * Why `path` may not go into a results commit, or undefined when it may: it must be a plain
 * repo-relative path (forward slashes, no leading `/`, no empty, `.` or `..` segment, no `.git`
 * segment in any case, no backslash or NUL) lying under one of `under` (the results and the
 * dispatch folders). Every tree path a results commit sends is checked here first
 * (docs/security.md, "Paths come from the plan").
 */
export function commitPathProblem(path: string, under: readonly string[]): string | undefined {
  const bad = plainPathProblem(path);
  if (bad) return bad;
  for (const root of under) {
    const dir = root.replace(/\/+$/, "");
    if (plainPathProblem(dir) === undefined && path.startsWith(`${dir}/`)) return undefined;
  }
  return `lies outside ${under.map((d) => `${d.replace(/\/+$/, "")}/`).join(" and ")}`;
}

function plainPathProblem(path: string): string | undefined {
  if (path === "") return "is empty";
  if (path.startsWith("/")) return "is absolute";
  if (/[\\\0]/.test(path)) return "holds a backslash or a NUL byte";
  for (const segment of path.split("/")) {
    if (segment === "") return "has an empty segment";
    if (segment === "." || segment === "..") return `has a "${segment}" segment`;
    if (segment.toLowerCase() === ".git") return 'has a ".git" segment';
  }
  return undefined;
}

/** A file of a results commit lies where a results commit may not write; nothing was committed. */
export class CommitPathError extends Error {
  readonly code = "path-outside-results";
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(
      `refusing to commit ${JSON.stringify(path)}: it ${problem}. A results commit writes only the results and dispatch files; nothing was committed.`,
    );
  }
}

/** Throws `CommitPathError` for the first of `paths` that `commitPathProblem` refuses. */
export function assertCommitPaths(paths: Iterable<string>, under: readonly string[]): void {
  for (const path of paths) {
    const problem = commitPathProblem(path, under);
    if (problem) throw new CommitPathError(path, problem);
  }
}
