/**
 * Which script a command runs (docs/gates.md, code review): a python file or `python -m` module, a node
 * file, or a shell script. Static: reads argv only, never the file system.
 */
export type ScriptLanguage = "python" | "node" | "shell";

export type ScriptTarget =
  | {
      ok: true;
      language: ScriptLanguage;
      /** How the command names it: a path, or `-m package.module`. */
      display: string;
      /** Repo-relative paths to try, in order; the first that exists is the script. */
      candidates: string[];
    }
  | { ok: false; reason: string };

/** Wrappers that run the rest of argv in an environment: `uv run python train.py`. */
const RUN_WRAPPERS: Record<string, number> = { uv: 1, poetry: 1, pipenv: 1, pdm: 1, hatch: 1 };
/** Python launchers whose script is their first `.py` argument or `-m module`. */
const PY_LAUNCHERS = new Set(["torchrun", "deepspeed", "accelerate"]);
/** Interpreter options that take a value in the next argument. */
const PY_VALUE_OPTS = new Set(["-X", "-W", "--check-hash-based-pycs"]);
const NODE_VALUE_OPTS = new Set(["-r", "--require", "--import", "--loader", "--env-file", "-C"]);
const NODE_RUNNERS = new Set(["node", "tsx", "ts-node", "bun"]);
const SHELLS = new Set(["bash", "sh", "zsh", "dash"]);

export function resolveScript(argv: readonly string[]): ScriptTarget {
  let args = [...argv];
  for (;;) {
    const head = base(args[0] ?? "");
    if (head in RUN_WRAPPERS && args[1] === "run") args = args.slice(2);
    else if (head === "conda" && args[1] === "run") {
      args = args.slice(2);
      while (args[0]?.startsWith("-"))
        args = args.slice(["-n", "--name", "-p", "--prefix"].includes(args[0]) ? 2 : 1);
    } else if (head === "env") {
      args = args.slice(1);
      while (args[0] !== undefined && (args[0].includes("=") || args[0].startsWith("-")))
        args = args.slice(1);
    } else if (head === "npx" && args.length > 1) args = args.slice(args[1] === "--yes" ? 2 : 1);
    else break;
  }
  const program = args[0] ?? "";
  const name = base(program);
  if (program.includes("{"))
    return {
      ok: false,
      reason: `the program "${program}" is a placeholder; it is only known per run`,
    };
  if (/^python(\d+(\.\d+)?)?$/.test(name) || PY_LAUNCHERS.has(name))
    return python(args.slice(1), name);
  if (NODE_RUNNERS.has(name)) return node(args.slice(1), name);
  if (SHELLS.has(name)) return shell(args.slice(1), name);
  if (/\.py$/.test(program)) return file("python", program);
  if (/\.(m|c)?[jt]s$/.test(program)) return file("node", program);
  if (/\.(ba|z)?sh$/.test(program)) return file("shell", program);
  return {
    ok: false,
    reason: `"${program}" is neither python, node nor a shell script, so its flags cannot be read statically`,
  };
}

function python(rest: string[], launcher: string): ScriptTarget {
  const launcherMode = PY_LAUNCHERS.has(launcher);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === "-m" || a === "--module" || (launcherMode && a === "--module")) {
      const mod = rest[i + 1];
      if (!mod || mod.includes("{")) return { ok: false, reason: "`-m` names no module" };
      const p = mod.replace(/\./g, "/");
      return {
        ok: true,
        language: "python",
        display: `-m ${mod}`,
        candidates: [`${p}.py`, `${p}/__main__.py`, `src/${p}.py`, `src/${p}/__main__.py`],
      };
    }
    if (a === "-c") return { ok: false, reason: "`python -c` runs inline code, not a script" };
    if (launcherMode) {
      if (a.endsWith(".py")) return file("python", a);
      continue;
    }
    if (PY_VALUE_OPTS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    return file("python", a);
  }
  return { ok: false, reason: `${launcher} is given no script` };
}

function node(rest: string[], runner: string): ScriptTarget {
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === "-e" || a === "--eval" || a === "-p")
      return { ok: false, reason: `\`${runner} ${a}\` runs inline code, not a script` };
    if (NODE_VALUE_OPTS.has(a)) {
      i++;
      continue;
    }
    if (a === "run" && runner === "bun") continue;
    if (a.startsWith("-")) continue;
    return file("node", a);
  }
  return { ok: false, reason: `${runner} is given no script` };
}

function shell(rest: string[], sh: string): ScriptTarget {
  for (const a of rest) {
    if (a === "-c") return { ok: false, reason: `\`${sh} -c\` runs inline code, not a script` };
    if (a.startsWith("-")) continue;
    return file("shell", a);
  }
  return { ok: false, reason: `${sh} is given no script` };
}

function file(language: ScriptLanguage, path: string): ScriptTarget {
  if (path.includes("{"))
    return { ok: false, reason: `the script path "${path}" contains a placeholder` };
  const clean = path.replace(/^\.\//, "");
  if (clean.startsWith("/") || clean.split("/").includes(".."))
    return { ok: false, reason: `"${path}" is outside the repository` };
  return { ok: true, language, display: clean, candidates: [clean] };
}

function base(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}
