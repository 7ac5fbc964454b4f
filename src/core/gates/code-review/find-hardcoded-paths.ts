import type { ScannedSource } from "./scan-source.js";

export interface PathFinding {
  path: string;
  line: number;
  /** True when the literal is only the default of a declared option (the command overrides it). */
  isOptionDefault: boolean;
}

const DIR_WORDS = /^(checkpoints?|ckpts?|results?|outputs?|saved[_-]?models?|runs)$/i;
const CKPT_EXT = /\.(pt|pth|ckpt|safetensors|h5|keras|pkl|pickle|joblib|onnx|npz)$/i;

/**
 * String literals that look like a hard-coded checkpoint or result location: a path with a
 * `checkpoints/`, `results/`, `outputs/` ... segment, or a model-weights file. Such a script
 * ignores `{checkpoint_dir}` / `{result_file}`, so runs overwrite each other and resume breaks.
 * Format strings (`{...}`), URLs and flags are not paths.
 */
export function findHardcodedPaths(src: ScannedSource): PathFinding[] {
  const out: PathFinding[] = [];
  for (const lit of src.literals) {
    const v = lit.value;
    if (v.length < 3 || v.length > 300 || /\s|\{|\$|%|:\/\//.test(v) || v.startsWith("-")) continue;
    if (!v.includes("/") && !v.includes("\\")) continue;
    const segments = v.split(/[/\\]+/).filter(Boolean);
    const last = segments.at(-1) ?? "";
    const looks =
      segments.some((s) => DIR_WORDS.test(s) || /checkpoint|ckpt/i.test(s)) || CKPT_EXT.test(last);
    if (!looks) continue;
    const lineText = lineOf(src, lit.offset);
    const isOptionDefault =
      /\b(add_argument|option|Option|DEFINE_\w+)\s*\(/.test(lineText) &&
      /\bdefault\s*[=:]/.test(lineText);
    out.push({ path: v, line: lit.line, isOptionDefault });
  }
  return out;
}

function lineOf(src: ScannedSource, offset: number): string {
  const start = src.code.lastIndexOf("\n", offset - 1) + 1;
  const end = src.code.indexOf("\n", offset);
  return src.code.slice(start, end < 0 ? undefined : end);
}
