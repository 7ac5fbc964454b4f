import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isSecretName, untrustedEnv } from "../../src/exec/untrusted-env.js";
import { runCli } from "../helpers/run-cli.js";
import { campaignRepo, sidecars } from "./campaign-repo.js";

// The attack (issue #11, item 4): an approved experiment prints its environment, on a runner
// whose labgate process holds the Actions tokens, to get them into the job log or the results.
const TOKENS = {
  GITHUB_TOKEN: "ghs_attackvictim0000000000000000000000",
  INPUT_TOKEN: "ghs_inputtoken000000000000000000000000",
  ACTIONS_RUNTIME_TOKEN: "runtime-token",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc",
  ACTIONS_RUNTIME_URL: "https://pipelines.example/",
  PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----",
  WEBHOOK_SECRET: "hook",
  LABGATE_LLM_API_KEY: "sk-llm",
  GIT_CONFIG_COUNT: "1",
  GIT_CONFIG_KEY_0: "http.https://github.com/.extraheader",
  GIT_CONFIG_VALUE_0: "AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hz",
};

describe("experiment runs get a scrubbed environment", () => {
  it("a run started by `labgate run` sees no token of any kind, and keeps what scripts need", async () => {
    const dir = campaignRepo([{ id: "leak", mode: "env-dump" }]);
    const r = await runCli(["run"], dir, {
      ...TOKENS,
      CUDA_HOME: "/usr/local/cuda",
      GITHUB_SHA: "abc",
    });
    expect(r.code, r.stderr).toBe(0);
    const [entry] = [...sidecars(dir).values()];
    expect(entry?.status).toBe("done");
    const log = readFileSync(join(dir, ".labgate/logs", `${entry?.id}.log`), "utf8");
    const names = (log.match(/^ENV (.*)$/m)?.[1] ?? "").split(" ");
    expect(names).toContain("PATH");
    expect(names).toContain("CUDA_HOME");
    expect(names).toContain("GITHUB_SHA");
    expect(names).toContain("LABGATE_RUN_ID");
    for (const k of Object.keys(TOKENS)) expect(names).not.toContain(k);
    for (const v of Object.values(TOKENS)) if (v.length > 4) expect(log).not.toContain(v);
    // Its parent is the labgate CLI, whose own environment a run can still read in /proc: the
    // user started it with these tokens, so it names every one of them as a warning.
    const parent = (log.match(/^PARENT_ENV (.*)$/m)?.[1] ?? "").split(" ");
    expect(parent).toContain("PATH");
    const heldByParent = parent.filter(isSecretName);
    expect(heldByParent).toEqual(expect.arrayContaining(Object.keys(TOKENS)));
    expect(r.stderr).toContain("warning: labgate run holds ");
    for (const k of heldByParent) expect(r.stderr).toContain(k);
    expect(r.stderr).toContain("Start labgate run without credentials it does not need.");
  }, 60_000);

  it("names the credentials by their conventions", () => {
    for (const k of [
      ...Object.keys(TOKENS),
      "GH_TOKEN",
      "NODE_AUTH_TOKEN",
      "AWS_SECRET_ACCESS_KEY",
    ])
      expect(isSecretName(k), k).toBe(true);
    for (const k of [
      "PATH",
      "HOME",
      "CUDA_VISIBLE_DEVICES",
      "SLURM_JOB_ID",
      "GITHUB_SHA",
      "WANDB_MODE",
    ])
      expect(isSecretName(k), k).toBe(false);
    expect(untrustedEnv({ PATH: "/bin", GITHUB_TOKEN: "x" })).toEqual({ PATH: "/bin" });
  });
});
