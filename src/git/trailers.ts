/** The git trailers of a results commit (docs/results.md). */
export const SOURCE_COMMIT_TRAILER = "Labgate-Source-Commit";
export const RUN_TRAILER = "Labgate-Run";

export type Trailer = readonly [key: string, value: string];

/** `subject\n\nbody\n\nKey: value\n...` — trailers last, one blank line before them. */
export function messageWithTrailers(
  subject: string,
  body: string | undefined,
  trailers: readonly Trailer[],
): string {
  const clean = (v: string) => v.replace(/[\r\n]+/g, " ").trim();
  const parts = [clean(subject)];
  if (body?.trim()) parts.push(body.trim());
  if (trailers.length > 0) parts.push(trailers.map(([k, v]) => `${k}: ${clean(v)}`).join("\n"));
  return `${parts.join("\n\n")}\n`;
}

/** Values of one trailer key in a commit message's last paragraph (repeated keys allowed). */
export function trailerValues(message: string, key: string): string[] {
  const paragraphs = message.trim().split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? "";
  const out: string[] = [];
  const prefix = `${key.toLowerCase()}:`;
  for (const line of last.split("\n"))
    if (line.toLowerCase().startsWith(prefix)) out.push(line.slice(prefix.length).trim());
  return out;
}
