import type { Failure } from "../failure/failure.js";

export type PatchPathsCheck = { ok: true } | (Failure<"forbidden-path"> & { path: string });

/**
 * The push step applies a patch that repository code produced (docs/security.md, "Autofix"), so
 * every path it touches must be an ordinary repository path: relative, no `..` or empty segment,
 * no `.git` segment anywhere (git's own files and nested repositories) and nothing under
 * `.github/workflows/` (a fix PR never changes what runs with the repository's tokens).
 */
export function checkPatchPaths(paths: readonly string[]): PatchPathsCheck {
  for (const path of paths) {
    const why = forbiddenBecause(path);
    if (why)
      return {
        ok: false,
        code: "forbidden-path",
        path,
        message: `the fixers' patch touches "${path}" (${why}); labgate never pushes such a change. Remove the fixer that writes it from autofix.commands in the default branch's .github/labgate.yml`,
      };
  }
  return { ok: true };
}

function forbiddenBecause(path: string): string | undefined {
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "an absolute path";
  const segments = path.split("/");
  if (segments.some((s) => s === "")) return "an empty path segment";
  if (segments.some((s) => s === "." || s === "..")) return "a '.' or '..' segment";
  if (segments.some((s) => s.toLowerCase() === ".git")) return "git's own files";
  if (/^\.github\/workflows\//i.test(path)) return "a workflow file";
  return undefined;
}
