import { messageOf } from "../core/failure/failure.js";
import type { LlmOpinion } from "../core/gates/debate/debate-role.js";
import { parseLlmVerdict } from "./llm-verdict-schema.js";
import type { ReviewProvider, ReviewRequest } from "./review-provider.js";

export interface OpenAiCompatibleOptions {
  /** e.g. https://api.openai.com/v1 or http://localhost:8000/v1 (vLLM, Ollama, LiteLLM...). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A reviewer over any OpenAI-compatible `POST /chat/completions`. Temperature 0, so the same
 * campaign tends to get the same opinion; a failure of any kind becomes `{ ok: false, error }`.
 */
export function openAiCompatibleProvider(opts: OpenAiCompatibleOptions): ReviewProvider {
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const doFetch = opts.fetch ?? fetch;
  return {
    name: `${opts.model} at ${new URL(url).host}`,
    async review(req: ReviewRequest): Promise<LlmOpinion> {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}),
          },
          body: JSON.stringify({
            model: opts.model,
            temperature: 0,
            messages: [
              { role: "system", content: req.system },
              { role: "user", content: req.user },
            ],
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const name = err instanceof Error ? err.name : "";
        if (name === "TimeoutError" || name === "AbortError")
          return {
            ok: false,
            error: `no reply within ${timeoutMs / 1000} s (LABGATE_LLM_TIMEOUT_SECONDS)`,
          };
        return { ok: false, error: `request failed: ${messageOf(err)}` };
      }
      let body: string;
      try {
        body = await res.text();
      } catch (err) {
        return { ok: false, error: `reading the reply failed: ${messageOf(err)}` };
      }
      if (!res.ok) return { ok: false, error: `HTTP ${res.status}: ${body.slice(0, 200)}` };
      let content: unknown;
      try {
        content = (JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] })
          .choices?.[0]?.message?.content;
      } catch {
        return { ok: false, error: "the endpoint's reply is not a chat completion (not JSON)" };
      }
      if (typeof content !== "string")
        return { ok: false, error: "the chat completion has no message content" };
      const parsed = parseLlmVerdict(content);
      if (!parsed.ok) return { ok: false, error: parsed.message };
      return {
        ok: true,
        verdict: parsed.value.verdict,
        reasons: parsed.value.reasons,
        model: opts.model,
      };
    },
  };
}
