import type { VerdictReason } from "../core/gates/verdict.js";

/** GitHub rejects a check run whose output summary or text exceeds 65,535 characters. */
export const MAX_CHECK_OUTPUT_CHARS = 65_535;
/** GitHub accepts at most 50 annotations per create/update request. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
const MAX_TITLE_CHARS = 255;
const MAX_ANNOTATION_MESSAGE_CHARS = 64 * 1024;

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
}

/** Cuts markdown to GitHub's limit, saying so at the end rather than failing the request. */
export function truncateMarkdown(text: string, limit = MAX_CHECK_OUTPUT_CHARS): string {
  if (text.length <= limit) return text;
  const note = "\n\n… truncated: the full report is longer than GitHub's 65,535-character limit.";
  return text.slice(0, limit - note.length) + note;
}

export function truncateTitle(title: string): string {
  return title.length <= MAX_TITLE_CHARS ? title : `${title.slice(0, MAX_TITLE_CHARS - 1)}…`;
}

const LEVEL: Record<VerdictReason["severity"], CheckAnnotation["annotation_level"]> = {
  blocking: "failure",
  warning: "warning",
  info: "notice",
};

/** Annotations for the reasons that point at a file; the others live in the summary only. */
export function reasonsToAnnotations(reasons: readonly VerdictReason[]): CheckAnnotation[] {
  const out: CheckAnnotation[] = [];
  for (const r of reasons) {
    if (!r.file) continue;
    const line = r.line && r.line > 0 ? r.line : 1;
    const a: CheckAnnotation = {
      path: r.file,
      start_line: line,
      end_line: line,
      annotation_level: LEVEL[r.severity],
      message: r.message.slice(0, MAX_ANNOTATION_MESSAGE_CHARS),
    };
    // GitHub only accepts columns when the annotation spans a single line.
    if (r.column && r.column > 0) {
      a.start_column = r.column;
      a.end_column = r.column;
    }
    if (r.role) a.title = r.role;
    out.push(a);
  }
  return out;
}

/** Splits annotations into the request-sized batches GitHub accepts. */
export function annotationBatches(annotations: readonly CheckAnnotation[]): CheckAnnotation[][] {
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += MAX_ANNOTATIONS_PER_REQUEST)
    batches.push(annotations.slice(i, i + MAX_ANNOTATIONS_PER_REQUEST));
  return batches;
}
