import { openAiCompatibleProvider } from "./openai-compatible-provider.js";
import type { ReviewProvider } from "./review-provider.js";

/**
 * The design debate's language-model reviewer the environment configures, or none: never on by
 * default. Needs LABGATE_LLM_BASE_URL and LABGATE_LLM_MODEL; LABGATE_LLM_API_KEY when the endpoint
 * wants one; LABGATE_LLM_TIMEOUT_SECONDS. Every shell builds it here, once, in its setup: the app
 * (`createLabgateApp`, both the server and Actions mode), the action (`runAction`) and the CLI
 * (`labgate review`).
 */
export function providerFromEnv(env: NodeJS.ProcessEnv): ReviewProvider | undefined {
  const baseUrl = env.LABGATE_LLM_BASE_URL?.trim();
  const model = env.LABGATE_LLM_MODEL?.trim();
  if (!baseUrl || !model) return undefined;
  const seconds = Number(env.LABGATE_LLM_TIMEOUT_SECONDS);
  return openAiCompatibleProvider({
    baseUrl,
    model,
    apiKey: env.LABGATE_LLM_API_KEY || undefined,
    ...(Number.isFinite(seconds) && seconds > 0 ? { timeoutMs: seconds * 1000 } : {}),
  });
}
