import { mkdtemp, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  AUTOFIX_PATCH_FILE,
  AUTOFIX_RESULT_FILE,
  AutofixFixResult,
  pickAutofixArtifact,
} from "../../core/autofix/autofix-handoff.js";
import { getPullRequest } from "../../github/get-pull-request.js";
import { defineMode, type ModeResult } from "../action-mode.js";

/**
 * `autofix-push` (docs/security.md, "Autofix"): the job after `autofix`, holding the app's
 * installation token (so the fix PR's own checks run: a push made with GITHUB_TOKEN starts no
 * workflows). Takes the fixer job's artifact, applies its patch to the PR head in a fresh clone
 * with hooks off, pushes `labgate/autofix/<pr>` and opens or updates ONE PR into the PR branch. It
 * runs no repository code and needs no checkout. Outputs `autofix` (pushed | head-moved | fork)
 * and `pr-url`.
 */
export const autofixPushMode = defineMode({
  requires: ["pr", "token"],
  async run({ inputs, env, log, octokit, artifacts }): Promise<ModeResult> {
    const number = inputs.pr;
    const repo = { owner: env.owner, repo: env.repo };
    const store = artifacts();
    const name = pickAutofixArtifact(await store.list(), number, Number(env.runAttempt));
    if (!name) {
      const message = `no artifact labgate-autofix-${number}-attempt<n> in this workflow run; run this job only when the autofix job's output autofix is "changed"`;
      return {
        outputs: { autofix: "no-artifact", "pr-url": "" },
        summary: message,
        failure: message,
      };
    }
    const dir = await mkdtemp(join(env.tempDir, "labgate-autofix-in-"));
    await store.download(name, dir);
    const result = AutofixFixResult.parse(
      JSON.parse(await readFile(join(dir, AUTOFIX_RESULT_FILE), "utf8")),
    );
    const patch = await readFile(join(dir, AUTOFIX_PATCH_FILE), "utf8");
    const { pushAutofix } = await import("../../operations/autofix-push.js");
    const r = await pushAutofix(
      {
        octokit: octokit(),
        log,
        tmpDir: env.tempDir,
        serverUrl: env.serverUrl,
        token: inputs.token,
      },
      {
        ...repo,
        pr: await getPullRequest(octokit(), repo, number),
        patch,
        result,
        runUrl: env.runUrl,
      },
    );
    const summary = `## labgate autofix push for #${number}: ${r.kind}\n\n${r.message}\n`;
    const outputs = { autofix: r.kind, "pr-url": r.kind === "pushed" ? r.pr.url : "" };
    if (r.kind === "forbidden-path" || r.kind === "patch-does-not-apply")
      return { outputs, summary, failure: r.message };
    return { outputs, summary };
  },
});
