import type { ScannedSource } from "./scan-source.js";

export interface PathFinding {
  path: string;
  line: number;
  /** True when the literal is only the default of a declared option (the command overrides it). */
  isOptionDefault: boolean;
  /**
   * write: a file written at a fixed path relative to the working directory, the checkout
   * (`torch.save(m, "mnist_cnn.pt")`, `open("results.txt", "w")`); download: data fetched into
   * one (`datasets.MNIST("../data", download=True)`). Absent: a path that looks like a checkpoint
   * or result location.
   */
  kind?: "write" | "download";
}

/** Calls that write the file named by a literal argument. */
const WRITE_CALL =
  /\b(save|savez|savez_compressed|savetxt|save_pretrained|save_model|save_weights|save_checkpoint|savefig|to_csv|to_json|to_parquet|to_pickle|write_text|write_bytes|imwrite|dump|writeFile|writeFileSync|createWriteStream|appendFile|appendFileSync)\s*\(/;
/** An output file name, for literals passed to a write call. */
const OUTPUT_EXT =
  /\.(pt|pth|ckpt|safetensors|h5|keras|pkl|pickle|joblib|onnx|npz|npy|txt|csv|json|jsonl|log|png|jpg|pdf|svg|parquet|yaml|yml|tsv)$/i;

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
    const lineText = lineOf(src, lit.offset);
    if (v.includes("/") || v.includes("\\")) {
      const segments = v.split(/[/\\]+/).filter(Boolean);
      const last = segments.at(-1) ?? "";
      const looks =
        segments.some((s) => DIR_WORDS.test(s) || /checkpoint|ckpt/i.test(s)) ||
        CKPT_EXT.test(last);
      if (looks) {
        out.push({ path: v, line: lit.line, isOptionDefault: isDefaultOf(lineText) });
        continue;
      }
    }
    const fixed = fixedRelativeWrite(src, lit.offset, lit.end, v);
    if (fixed) out.push({ path: v, line: lit.line, isOptionDefault: false, kind: fixed });
    // `default="model.pt"` of an option: fine while the command passes its own path
    else if (!v.includes("/") && CKPT_EXT.test(v) && isDefaultOf(lineText))
      out.push({ path: v, line: lit.line, isOptionDefault: true });
  }
  return out;
}

function isDefaultOf(lineText: string): boolean {
  return (
    /\b(add_argument|option|Option|DEFINE_\w+)\s*\(/.test(lineText) &&
    /\bdefault\s*[=:]/.test(lineText)
  );
}

/**
 * Whether the literal at [offset, end) names a file written, or data downloaded, at a fixed path
 * relative to the working directory: the argument of `open(..., "w")`, of a save/dump/write call
 * (with an output file's extension), or of a call with `download=True`.
 */
function fixedRelativeWrite(
  src: ScannedSource,
  offset: number,
  end: number,
  v: string,
): "write" | "download" | undefined {
  if (v.startsWith("/") || v.startsWith("~") || /^[A-Za-z]:[\\/]/.test(v)) return undefined;
  const lineStart = src.code.lastIndexOf("\n", offset - 1) + 1;
  const nl = src.code.indexOf("\n", end);
  const before = src.code.slice(lineStart, offset);
  const after = src.code.slice(end, nl < 0 ? undefined : nl);
  if (/\bopen\s*\(\s*$/.test(before)) {
    const mode = /^\s*,\s*(?:mode\s*=\s*)?["']([rwxab+t]+)["']/.exec(after)?.[1];
    return mode !== undefined && /[wax]/.test(mode) ? "write" : undefined;
  }
  if (/\bdownload\s*=\s*True\b/.test(after) && /\(\s*$/.test(before)) return "download";
  // the literal must be a direct argument of the write call, not of a call inside it (os.path.join)
  let flat = before;
  for (let prev = ""; prev !== flat; ) {
    prev = flat;
    flat = flat.replace(/\([^()]*\)/g, "");
  }
  const call = /(\w+)\s*\([^()]*$/.exec(flat)?.[1];
  if (call !== undefined && WRITE_CALL.test(`${call}(`) && OUTPUT_EXT.test(v)) return "write";
  return undefined;
}

function lineOf(src: ScannedSource, offset: number): string {
  const start = src.code.lastIndexOf("\n", offset - 1) + 1;
  const end = src.code.indexOf("\n", offset);
  return src.code.slice(start, end < 0 ? undefined : end);
}
