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
