import type { ScriptLanguage } from "../code-review/resolve-script.js";

/** Files that pin an environment, by the language they pin. Shell scripts accept either. */
export const LOCK_FILES: Record<"python" | "node", readonly string[]> = {
  python: [
    "requirements.txt",
    "requirements.lock",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "pdm.lock",
    "pixi.lock",
    "conda-lock.yml",
    "environment.yml",
    "environment.yaml",
  ],
  node: ["package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb"],
};

/** Where to look: the repo root, the definitions' folder and each script's folder and its parents. */
export function lockFileCandidates(dirs: readonly string[]): string[] {
  const folders = new Set<string>([""]);
  for (const d of dirs) {
    const parts = d.split("/").filter(Boolean);
    for (let i = 1; i <= parts.length; i++) folders.add(parts.slice(0, i).join("/"));
  }
  const out: string[] = [];
  for (const f of [...folders].sort())
    for (const name of [...LOCK_FILES.python, ...LOCK_FILES.node])
      out.push(f ? `${f}/${name}` : name);
  return out;
}

export function locksFor(language: ScriptLanguage, present: readonly string[]): string[] {
  const names =
    language === "shell" ? [...LOCK_FILES.python, ...LOCK_FILES.node] : LOCK_FILES[language];
  return present.filter((p) => names.includes(p.slice(p.lastIndexOf("/") + 1)));
}
