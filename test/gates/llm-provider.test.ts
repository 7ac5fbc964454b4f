import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DesignDebateDetails } from "../../src/core/gates/debate/design-debate-gate.js";
import { parseLlmVerdict } from "../../src/llm/llm-verdict-schema.js";
import { openAiCompatibleProvider } from "../../src/llm/openai-compatible-provider.js";
import { providerFromEnv } from "../../src/llm/provider-from-env.js";
import { reviewGates } from "../../src/operations/review-gates.js";
import { asText, validDefinitions } from "../helpers/definitions-fixture.js";
import { memoryWorkspace, one } from "./gate-helpers.js";

const BASE = "https://llm.example.test/v1";
const request = {
  role: "skeptic" as const,
  system: "You are the Skeptic.",
  user: "definitions...",
};
const completion = (content: string) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "reviewer-1",
  choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }],
});

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("OpenAI-compatible reviewer", () => {
  it("sends the role's prompt at temperature 0 with the key, and parses a good reply", async () => {
    const scope = nock(BASE, { reqheaders: { authorization: "Bearer sk-test" } })
      .post("/chat/completions", (body) => {
        expect(body).toEqual({
          model: "reviewer-1",
          temperature: 0,
          messages: [
            { role: "system", content: "You are the Skeptic." },
            { role: "user", content: "definitions..." },
          ],
        });
        return true;
      })
      .reply(
        200,
        completion(
          '```json\n{"verdict": "REVISE", "reasons": ["full-ours: 6 h per run is optimistic"]}\n```',
        ),
      );
    const p = openAiCompatibleProvider({
      baseUrl: `${BASE}/`,
      model: "reviewer-1",
      apiKey: "sk-test",
    });
    expect(await p.review(request)).toEqual({
      ok: true,
      verdict: "REVISE",
      reasons: ["full-ours: 6 h per run is optimistic"],
      model: "reviewer-1",
    });
    scope.done();
  });

  it("records garbage as a provider error", async () => {
    const scope = nock(BASE)
      .post("/chat/completions")
      .reply(200, completion("I think the design is mostly fine!"))
      .post("/chat/completions")
      .reply(200, completion('{"verdict": "MAYBE", "reasons": []}'))
      .post("/chat/completions")
      .reply(200, "<html>gateway</html>");
    const p = openAiCompatibleProvider({ baseUrl: BASE, model: "m" });
    expect(await p.review(request)).toEqual({
      ok: false,
      error: 'reply is not JSON: "I think the design is mostly fine!"',
    });
    expect(await p.review(request)).toEqual({
      ok: false,
      error: expect.stringMatching(
        /^reply does not match \{ verdict: PASS\|REVISE\|REJECT, reasons: string\[\] \}: verdict: /,
      ),
    });
    expect(await p.review(request)).toEqual({
      ok: false,
      error: "the endpoint's reply is not a chat completion (not JSON)",
    });
    scope.done();
  });

  it("records a 500 and a timeout as provider errors, never throwing", async () => {
    const scope = nock(BASE)
      .post("/chat/completions")
      .reply(500, { error: { message: "overloaded" } })
      .post("/chat/completions")
      .delay(2_000)
      .reply(200, completion('{"verdict": "PASS", "reasons": []}'));
    const p = openAiCompatibleProvider({ baseUrl: BASE, model: "m", timeoutMs: 200 });
    expect(await p.review(request)).toEqual({
      ok: false,
      error: 'HTTP 500: {"error":{"message":"overloaded"}}',
    });
    expect(await p.review(request)).toEqual({
      ok: false,
      error: "no reply within 0.2 s (LABGATE_LLM_TIMEOUT_SECONDS)",
    });
    scope.done();
  });

  it("is off unless LABGATE_LLM_BASE_URL and LABGATE_LLM_MODEL are both set", () => {
    expect(providerFromEnv({})).toBeUndefined();
    expect(providerFromEnv({ LABGATE_LLM_API_KEY: "k", LABGATE_LLM_MODEL: "m" })).toBeUndefined();
    expect(providerFromEnv({ LABGATE_LLM_BASE_URL: BASE, LABGATE_LLM_MODEL: "m" })?.name).toBe(
      "m at llm.example.test",
    );
  });

  it("parses bare JSON", () => {
    expect(parseLlmVerdict('{"verdict":"PASS","reasons":[]}')).toEqual({
      ok: true,
      value: { verdict: "PASS", reasons: [] },
    });
  });
});

describe("design debate with a language-model reviewer", () => {
  const files = {
    "experiments/definitions.json": asText(validDefinitions()),
    "train.py": 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--seed")\n',
    "requirements.txt": "numpy==2.1.0\n",
  };

  it("a model's REJECT makes its role stricter; its PASS never lifts a rule; its errors leave the rules to decide", async () => {
    const replies: Record<string, unknown> = {
      Skeptic: completion(
        '{"verdict": "REJECT", "reasons": ["full-ours: the lr grid is too coarse to be worth 6 GPU-hours"]}',
      ),
      Completionist: completion('{"verdict": "PASS", "reasons": []}'),
      "Reproducibility Hawk": completion("no idea"),
    };
    const scope = nock(BASE)
      .post("/chat/completions")
      .times(4)
      .reply((_uri, body) => {
        const system = (body as { messages: { content: string }[] }).messages[0]?.content ?? "";
        const role = Object.keys(replies).find((r) => system.includes(`**${r}**`));
        return role ? [200, replies[role]] : [500, "boom"];
      });
    const { verdicts } = await reviewGates({
      workspace: memoryWorkspace(files),
      only: ["design-debate"],
      dryRun: "skip",
      provider: openAiCompatibleProvider({ baseUrl: BASE, model: "reviewer-1" }),
    });
    scope.done();
    const v = one(verdicts);
    const roles = (v.details as DesignDebateDetails).roles;
    expect(roles.map((r) => [r.role, r.rulesVerdict, r.verdict, r.llm?.ok])).toEqual([
      ["skeptic", "PASS", "REJECT", true],
      ["completionist", "PASS", "PASS", true],
      ["reproducibility-hawk", "PASS", "PASS", false],
      ["narrative-enforcer", "PASS", "PASS", false],
    ]);
    expect(v).toMatchObject({ conclusion: "failure", label: "REJECT" });
    expect(v.reasons).toEqual([
      expect.objectContaining({
        severity: "blocking",
        role: "skeptic",
        message:
          "REJECT (language model reviewer-1): full-ours: the lr grid is too coarse to be worth 6 GPU-hours",
      }),
      expect.objectContaining({
        severity: "info",
        role: "reproducibility-hawk",
        message: expect.stringMatching(
          /^language-model reviewer unavailable, the rules decided: reply is not JSON/,
        ),
      }),
      expect.objectContaining({
        severity: "info",
        role: "narrative-enforcer",
        message: "language-model reviewer unavailable, the rules decided: HTTP 500: boom",
      }),
    ]);
  });

  it("every role has a prompt template that asks for the JSON verdict", async () => {
    const { promptTemplate } = await import("../../src/llm/build-review-request.js");
    for (const role of [
      "skeptic",
      "completionist",
      "reproducibility-hawk",
      "narrative-enforcer",
    ] as const)
      expect(promptTemplate(role)).toMatch(
        /\{"verdict": "PASS" \| "REVISE" \| "REJECT", "reasons": \[/,
      );
  });
});
