import { z } from "zod";
import { type Failure, fail } from "../core/failure/failure.js";

/** What a language-model reviewer must reply with: JSON, nothing else. */
export const LlmVerdict = z.strictObject({
  verdict: z.enum(["PASS", "REVISE", "REJECT"]),
  reasons: z.array(z.string().min(1).max(2_000)).max(20),
});
export type LlmVerdict = z.infer<typeof LlmVerdict>;

export type ParsedReply = { ok: true; value: LlmVerdict } | Failure<"not-json" | "wrong-shape">;

/** Parses a model's reply: bare JSON, or JSON in one ```json fence. Anything else is an error. */
export function parseLlmVerdict(content: string): ParsedReply {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(content);
  const text = (fenced ? fenced[1] : content)?.trim() ?? "";
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(
      "not-json",
      `reply is not JSON: "${text.slice(0, 80)}${text.length > 80 ? "…" : ""}"`,
    );
  }
  const parsed = LlmVerdict.safeParse(json);
  if (!parsed.success)
    return fail(
      "wrong-shape",
      `reply does not match { verdict: PASS|REVISE|REJECT, reasons: string[] }: ${parsed.error.issues
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ")}`,
      parsed.error,
    );
  return { ok: true, value: parsed.data };
}
