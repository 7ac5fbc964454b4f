/** One finding about a user's file: where it is, what is wrong, and how to fix it. */
export interface Diagnostic {
  severity: "error" | "warning";
  file: string;
  /** JSON path such as `experiments[2].seeds[0]`, or a config key such as `runner_pools[0].labels`. */
  path: string;
  line: number;
  column: number;
  message: string;
  /** How to fix it, with an example where one helps. */
  hint?: string;
}

export type PathSegment = string | number;

/** `["experiments", 2, "seeds"]` -> `experiments[2].seeds` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out === "" ? "(root)" : out;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}
