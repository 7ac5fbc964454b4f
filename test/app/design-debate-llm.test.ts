import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DASHBOARD_MARKER } from "../../src/app/dashboard/render-dashboard.js";
import { serveGatesDispatch } from "./dry-run-helpers.js";
import {
  API,
  exampleFiles,
  HEAD,
  nock,
  pullRequestEvent,
  R,
  serveFiles,
  serveOwnChecks,
  testApp,
  withToken,
} from "./harness.js";

/** An OpenAI-compatible endpoint on loopback: the Skeptic's model says REJECT, the others PASS. */
async function loopbackModel(): Promise<{ url: string; asked: any[]; server: Server }> {
  const asked: any[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const json = JSON.parse(body);
      asked.push({ path: req.url, auth: req.headers.authorization, body: json });
      const system: string = json.messages[0]?.content ?? "";
      const content = system.includes("**Skeptic**")
        ? '{"verdict": "REJECT", "reasons": ["the loopback model finds 6 GPU-hours for one grid too many"]}'
        : '{"verdict": "PASS", "reasons": []}';
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion",
          model: "loopback-reviewer",
          choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content } }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, asked, server };
}

let model: Awaited<ReturnType<typeof loopbackModel>>;

beforeEach(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  model = await loopbackModel();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  nock.cleanAll();
  nock.enableNetConnect();
  await new Promise((resolve) => model.server.close(resolve));
});

describe("the app's design debate with a configured language-model reviewer", () => {
  it("LABGATE_LLM_* set where the app starts: every role's model is asked and the Skeptic's REJECT fails labgate/design-debate", async () => {
    vi.stubEnv("LABGATE_LLM_BASE_URL", model.url);
    vi.stubEnv("LABGATE_LLM_MODEL", "loopback-reviewer");
    vi.stubEnv("LABGATE_LLM_API_KEY", "sk-loopback");
    const app = await testApp();
    const checks: any[] = [];
    const scope = withToken(nock(API));
    serveGatesDispatch(scope);
    serveFiles(scope, exampleFiles(), 2);
    serveOwnChecks(scope);
    scope
      .post(`${R}/check-runs`, (b) => checks.push(b) > 0)
      .times(3)
      .reply(201, () => ({ id: 100 + checks.length }))
      .get(`${R}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`${R}/issues/2/comments`, (b) => b.body.startsWith(DASHBOARD_MARKER))
      .reply(201, { id: 10 });
    await app.receive("pull_request", pullRequestEvent("opened"));
    scope.done();

    // One request per debate role, to the configured endpoint, with the configured model and key.
    expect(model.asked).toHaveLength(4);
    for (const a of model.asked) {
      expect(a.path).toBe("/v1/chat/completions");
      expect(a.auth).toBe("Bearer sk-loopback");
      expect(a.body.model).toBe("loopback-reviewer");
      expect(a.body.messages[1].content).toContain("definitions.json");
    }
    const debate = checks.find((c) => c.name === "labgate/design-debate");
    expect(debate.head_sha).toBe(HEAD);
    expect(debate.conclusion).toBe("failure");
    expect(debate.output.title).toContain("REJECT");
    expect(JSON.stringify(debate.output)).toContain(
      "REJECT (language model loopback-reviewer): the loopback model finds 6 GPU-hours for one grid too many",
    );
  });

  it("without LABGATE_LLM_* the rules alone decide: no model is asked", async () => {
    vi.stubEnv("LABGATE_LLM_BASE_URL", "");
    vi.stubEnv("LABGATE_LLM_MODEL", "");
    const app = await testApp();
    const checks: any[] = [];
    const scope = withToken(nock(API));
    serveGatesDispatch(scope);
    serveFiles(scope, exampleFiles(), 2);
    serveOwnChecks(scope);
    scope
      .post(`${R}/check-runs`, (b) => checks.push(b) > 0)
      .times(3)
      .reply(201, () => ({ id: 100 + checks.length }))
      .get(`${R}/issues/2/comments`)
      .query(true)
      .reply(200, [])
      .post(`${R}/issues/2/comments`, (b) => b.body.startsWith(DASHBOARD_MARKER))
      .reply(201, { id: 10 });
    await app.receive("pull_request", pullRequestEvent("opened"));
    scope.done();
    expect(model.asked).toHaveLength(0);
    const debate = checks.find((c) => c.name === "labgate/design-debate");
    expect(debate.conclusion).toBe("success");
    expect(debate.output.summary).toContain("| Skeptic | PASS | PASS | not configured |");
  });
});
