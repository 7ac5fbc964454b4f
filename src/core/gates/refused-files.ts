import type { GateId, Verdict, VerdictReason } from "./verdict.js";

/**
 * A file of the PR the workspace would not read (docs/security.md, "Paths come from the plan"): it
 * lies outside the checkout or under a folder linked out of it, is a symbolic link or not a regular
 * file, or is over the size cap. The gates saw it as absent; its content was never read.
 */
export interface RefusedFile {
  /** Repo-relative, as the gate asked for it. */
  path: string;
  code: "outside-root" | "not-a-file" | "too-large";
  /** Why, naming the path (`containedReader`'s message). */
  message: string;
}

/** What a failing gate says of itself, for a verdict that fails because a file was refused. */
const FAILED_LABEL: Record<GateId, string> = {
  definitions: "INVALID",
  "code-review": "CODE_REVISE",
  "design-debate": "REVISE",
  pilot: "ITERATE",
};

const HOW_TO_FIX: Record<RefusedFile["code"], string> = {
  "outside-root":
    "commit the file itself at this path: labgate reads only files inside the checkout, never through a folder that links out of it",
  "not-a-file":
    "commit a regular file at this path: labgate never follows a symbolic link, since it could lead to any file of the machine",
  "too-large": "keep the file under the cap, or remove it",
};

/**
 * A verdict whose gate asked for files the workspace refused cannot pass: each refused file
 * becomes a blocking reason naming it and saying how to fix it, and a verdict that did not fail
 * fails (its gate's failing label). Pure; the verdict is unchanged when nothing was refused.
 */
export function withRefusedFiles(v: Verdict, refused: readonly RefusedFile[]): Verdict {
  const byPath = new Map<string, RefusedFile>();
  for (const r of refused) if (!byPath.has(r.path)) byPath.set(r.path, r);
  if (byPath.size === 0) return v;
  const files = [...byPath.values()];
  const reasons: VerdictReason[] = files.map((r) => ({
    severity: "blocking",
    file: r.path,
    message: refusedMessage(r),
  }));
  const summary = `${files.length} file(s) refused, not read: ${files.map((r) => r.path).join(", ")}`;
  return {
    ...v,
    ...(v.conclusion === "failure"
      ? {}
      : { conclusion: "failure" as const, label: FAILED_LABEL[v.gate], summary }),
    reasons: [...reasons, ...v.reasons],
  };
}

/** What a reason or a diagnostic says of a refused file: why, and how to fix it. */
export function refusedMessage(r: RefusedFile): string {
  return `refused, not read: ${r.message} — ${HOW_TO_FIX[r.code]}`;
}
