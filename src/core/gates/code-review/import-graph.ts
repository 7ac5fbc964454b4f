import { splitCommand } from "../../definitions/split-command.js";
import { resolveScript, type ScriptLanguage } from "./resolve-script.js";
import { scanSource } from "./scan-source.js";

/**
 * The repository files a script makes run besides itself: Python `import x` / `from x import y`
 * resolved in the repository (beside the script, at the root, under src/), JS/TS relative imports,
 * and the scripts a shell wrapper runs. Static and pure: text in, candidate paths out; a module
 * that is not in the repository (the standard library, an installed package) resolves to nothing.
 */

/**
 * One import: the repo-relative paths that could hold it, in the order Python/Node would try (the
 * first that exists is it), and files that run with it wherever they exist (a package's
 * `__init__.py`).
 */
export interface ImportCandidates {
  any: string[];
  also?: string[];
}

export function languageOfPath(path: string): ScriptLanguage | undefined {
  if (/\.py$/.test(path)) return "python";
  if (/\.(m|c)?[jt]sx?$/.test(path)) return "node";
  if (/\.(ba|z)?sh$/.test(path)) return "shell";
  return undefined;
}

/** Each import of `path` (its text given), as the candidate files that would hold it. */
export function importCandidates(path: string, text: string): ImportCandidates[] {
  const language = languageOfPath(path);
  if (language === "python") return pythonImports(path, text);
  if (language === "node") return nodeImports(path, text);
  if (language === "shell") return shellRuns(text);
  return [];
}

/**
 * The import closure of `root`: every file of `files` reachable through imports, `root` first,
 * then in the order found. `files` holds what exists in the repository (path → text).
 */
export function importClosure(root: string, files: ReadonlyMap<string, string>): string[] {
  const seen = new Set<string>([root]);
  const queue = [root];
  for (let i = 0; i < queue.length; i++) {
    const path = queue[i] as string;
    const text = files.get(path);
    if (text === undefined) continue;
    for (const group of importCandidates(path, text)) {
      const first = group.any.find((c) => files.has(c));
      const found = [...(first === undefined ? [] : [first]), ...(group.also ?? [])];
      for (const c of found)
        if (files.has(c) && !seen.has(c)) {
          seen.add(c);
          queue.push(c);
        }
    }
  }
  return queue.filter((p) => files.has(p));
}

/** The code of a source with comments and string literals blanked (newlines kept). */
function codeOnly(text: string, language: ScriptLanguage): { code: string; literals: string[] } {
  const src = scanSource(text, language);
  let code = "";
  let at = 0;
  for (const lit of src.literals) {
    code += src.code.slice(at, lit.offset);
    code += src.code.slice(lit.offset, lit.end).replace(/[^\n]/g, " ");
    at = lit.end;
  }
  return { code: code + src.code.slice(at), literals: src.literals.map((l) => l.value) };
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i);
}

function join(...parts: string[]): string {
  const out: string[] = [];
  for (const seg of parts.join("/").split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) return "\0outside";
      out.pop();
    } else out.push(seg);
  }
  return out.join("/");
}

/**
 * Top-level modules that are Python's own or the usual installed packages: never looked for in
 * the repository (each look is a read, an API request in the app). A repository module of the
 * same name would be shadowed by them at import time anyway, except beside the script.
 */
const EXTERNAL = new Set(
  (
    "__future__ abc argparse array ast asyncio base64 bisect builtins collections concurrent contextlib copy csv " +
    "dataclasses datetime decimal enum functools gc glob gzip hashlib heapq importlib inspect io itertools json " +
    "logging math multiprocessing operator os pathlib pickle platform pprint queue random re shutil signal " +
    "socket sqlite3 statistics string struct subprocess sys tempfile textwrap threading time timeit traceback " +
    "types typing unittest urllib uuid warnings weakref zipfile " +
    "numpy np pandas scipy sklearn torch torchvision torchaudio tensorflow keras jax flax optax transformers " +
    "datasets accelerate wandb mlflow tqdm yaml click typer absl matplotlib seaborn PIL cv2 h5py lightning " +
    "pytorch_lightning hydra omegaconf einops timm tokenizers sentencepiece requests"
  ).split(" "),
);

function pythonImports(path: string, text: string): ImportCandidates[] {
  const { code } = codeOnly(text, "python");
  // join the lines of a parenthesised or backslash-continued import
  const flat = code.replace(/\(([^()]*)\)/g, (_m, inner: string) => inner.replace(/\n/g, " "));
  const joined = flat.replace(/\\\n/g, " ");
  const here = dirOf(path);
  const roots = [...new Set([here, "", "src"])];
  const out: ImportCandidates[] = [];
  const moduleFiles = (bases: string[], dotted: string): ImportCandidates => {
    const parts = dotted.split(".");
    if (EXTERNAL.has(parts[0] as string)) return { any: [] };
    const any = bases.flatMap((base) => {
      const p = join(base, ...parts);
      return [`${p}.py`, `${p}/__init__.py`];
    });
    // the packages on the way run their __init__.py first
    const also = bases.flatMap((base) =>
      parts.slice(0, -1).map((_, i) => join(base, ...parts.slice(0, i + 1), "__init__.py")),
    );
    return { any, also };
  };
  for (const line of joined.split("\n")) {
    const imp = /^\s*import\s+(.+)$/.exec(line);
    if (imp) {
      for (const part of (imp[1] as string).split(",")) {
        const mod =
          part
            .trim()
            .split(/\s+as\s+/)[0]
            ?.trim() ?? "";
        if (/^[A-Za-z_][\w.]*$/.test(mod)) out.push(moduleFiles(roots, mod));
      }
      continue;
    }
    const from = /^\s*from\s+(\.*)([\w.]*)\s+import\s+(.+)$/.exec(line);
    if (!from) continue;
    const dots = (from[1] as string).length;
    const mod = from[2] as string;
    const names = (from[3] as string)
      .split(",")
      .map(
        (n) =>
          n
            .trim()
            .split(/\s+as\s+/)[0]
            ?.trim() ?? "",
      )
      .filter((n) => /^[A-Za-z_]\w*$/.test(n));
    const bases = (dots > 0 ? [join(here, ...Array<string>(dots - 1).fill(".."))] : roots).filter(
      (b) => !b.startsWith("\0"),
    );
    if (bases.length === 0) continue;
    if (mod !== "") out.push(moduleFiles(bases, mod));
    // `from pkg import sub`: sub may be a module of pkg
    if (dots === 0 && EXTERNAL.has(mod.split(".")[0] as string)) continue;
    for (const n of names)
      out.push({
        any: bases.flatMap((base) => {
          const pkg = join(base, ...(mod === "" ? [] : mod.split(".")));
          return [join(pkg, `${n}.py`), join(pkg, n, "__init__.py")];
        }),
      });
  }
  return out;
}

const NODE_EXTS = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx"];

function nodeImports(path: string, text: string): ImportCandidates[] {
  const src = scanSource(text, "node");
  const out: ImportCandidates[] = [];
  const here = dirOf(path);
  for (const lit of src.literals) {
    const spec = lit.value;
    if (!spec.startsWith("./") && !spec.startsWith("../")) continue;
    const before = src.code.slice(Math.max(0, lit.offset - 80), lit.offset);
    if (!/(\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)$/.test(before)) continue;
    const p = join(here, spec);
    if (p.startsWith("\0")) continue;
    const stem = p.replace(/\.(m|c)?js$/, "");
    out.push({
      any: [p, ...NODE_EXTS.map((e) => `${stem}${e}`), ...NODE_EXTS.map((e) => `${p}/index${e}`)],
    });
  }
  return out;
}

/** Every script a shell script runs on a line of its own (`exec python -m pkg.train "$@"`). */
function shellRuns(text: string): ImportCandidates[] {
  const out: ImportCandidates[] = [];
  for (const raw of text.split("\n")) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    line = line.replace(/^(exec|time|nohup)\s+/, "");
    const cut = line.search(/"\$@"|\$@|\s[|&;>]|\s#/);
    const head = (cut < 0 ? line : line.slice(0, cut)).trim();
    if (/[$`]/.test(head)) continue;
    const split = splitCommand(head);
    const target = split.ok ? resolveScript(split.argv) : undefined;
    if (target?.ok) out.push({ any: target.candidates });
  }
  return out;
}
