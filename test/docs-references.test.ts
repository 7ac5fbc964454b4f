import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The code, the templates and the CLI's help cite the users' reference in docs/, which ships
 * with the repository; never a document outside it (a "SPEC §N" a user cannot open).
 */
const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SHIPPED = ["src", "templates", "bin", "app.yml", "action/action.yml"];

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const shipped = SHIPPED.flatMap((d) => filesUnder(join(ROOT, d))).map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, "utf8"),
}));

describe("what the code cites", () => {
  it("no file under src/, templates/, bin/, nor app.yml or action.yml, cites SPEC sections (docs/ is the reference)", () => {
    const citing = shipped.flatMap(({ path, text }) =>
      text
        .split("\n")
        .map((line, i) => ({ line, at: `${path}:${i + 1}` }))
        .filter(({ line }) => /SPEC\s*§/.test(line))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(citing).toEqual([]);
  });

  it("every docs/<page>.md the code cites exists", () => {
    const cited = new Map<string, string>();
    for (const { path, text } of shipped)
      for (const m of text.matchAll(/\bdocs\/([\w.-]+\.md)\b/g))
        if (!cited.has(m[1] as string)) cited.set(m[1] as string, path);
    expect(cited.size).toBeGreaterThan(0);
    const missing = [...cited].filter(([page]) => !existsSync(join(ROOT, "docs", page)));
    expect(missing.map(([page, by]) => `docs/${page} (cited by ${by})`)).toEqual([]);
  });

  it("every page the lead's mapping names exists", () => {
    for (const page of [
      "definitions",
      "dispatch-state",
      "results",
      "gates",
      "approval",
      "runners",
      "autofix",
      "nightly",
      "config",
      "github-limits",
      "security",
    ])
      expect(existsSync(join(ROOT, "docs", `${page}.md`)), page).toBe(true);
  });
});
