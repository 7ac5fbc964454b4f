import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  AUTOFIX_PATCH_FILE,
  AUTOFIX_RESULT_FILE,
  type AutofixFixResult,
  AutofixPlan,
  autofixArtifactName,
} from "../../core/autofix/autofix-handoff.js";
import { GitRepo } from "../../git/git-repo.js";
import { NO_HOOKS } from "../../git/git-settings.js";
import { defineMode, type ModeResult } from "../action-mode.js";
import { heldCredential } from "../held-credentials.js";
import { markdownTable } from "../render-markdown.js";
import { autofixPlanFile } from "./autofix-plan.js";

/**
 * `autofix` (docs/security.md, "Autofix"): the fixer step. Runs the fixers `autofix-plan` chose
 * (from the default branch's config) in a worktree of the checked-out PR head and uploads what
 * they changed as artifact `labgate-autofix-<pr>-attempt<n>` (`autofix.patch` + `autofix.json`)
 * for `autofix-push`. The fixers are repository code, and a process can read its parent's
 * environment in /proc, so this step refuses to start while it holds a token (`token:` must be
 * empty) or the checkout keeps a git credential. Outputs `autofix` (changed | no-change) and
 * `artifact`.
 */
export const autofixMode = defineMode({
  requires: ["pr"],
  async run({ inputs, env, cwd, log, artifacts }): Promise<ModeResult> {
    const number = inputs.pr;
    const refused = (code: string, message: string): ModeResult => ({
      outputs: { autofix: code, artifact: "" },
      summary: `## labgate autofix for #${number}: ${code}\n\n${message}\n`,
      failure: message,
    });
    const held = heldCredential(inputs.token, process.env);
    if (held?.code === "token-given")
      return refused(
        held.code,
        "mode autofix runs repository code (the fixers) and must hold no token, which any process it starts could read from /proc; set `token: ''` on this step, run it in a job with `permissions: contents: read` and no secrets, and push with mode autofix-push in another job",
      );
    if (held?.code === "token-in-env")
      return refused(
        held.code,
        `mode autofix runs repository code and must hold no credential, but the step's environment has ${held.names.join(", ")}; remove them from the job's and the step's \`env:\``,
      );
    const git = GitRepo.open(cwd, { config: NO_HOOKS });
    const creds = await git.localConfigMatching("^(http\\..*\\.extraheader|credential\\..*)$");
    if (creds.length > 0)
      return refused(
        "credentials-in-checkout",
        `the checkout's git config keeps a credential (${creds[0]?.split(/\s/)[0]}); check out with \`persist-credentials: false\` so no fixer can read it`,
      );
    const text = await readFile(autofixPlanFile(env.tempDir, number), "utf8").catch(
      () => undefined,
    );
    if (text === undefined)
      return refused(
        "no-plan",
        `no autofix plan for PR #${number} in this job; run mode autofix-plan first in the same job, and this step only when its output autofix is "planned"`,
      );
    const plan = AutofixPlan.parse(JSON.parse(text));
    const { autofix } = await import("../../operations/autofix.js");
    const r = await autofix({ git, log, tmpDir: env.tempDir }, plan);
    let artifact = "";
    if (r.kind === "changed") {
      const dir = await mkdtemp(join(env.tempDir, "labgate-autofix-out-"));
      const result: AutofixFixResult = { pr: plan.pr, outcomes: r.outcomes };
      await writeFile(join(dir, AUTOFIX_PATCH_FILE), r.patch);
      await writeFile(join(dir, AUTOFIX_RESULT_FILE), JSON.stringify(result));
      artifact = autofixArtifactName(number, env.runAttempt);
      await artifacts().upload(artifact, dir, [AUTOFIX_PATCH_FILE, AUTOFIX_RESULT_FILE]);
    }
    return {
      outputs: { autofix: r.kind, artifact },
      summary: [
        `## labgate autofix for #${number}: ${r.kind}`,
        "",
        r.message,
        "",
        markdownTable(
          ["fixer", "result", "files", "details"],
          r.outcomes.map((o) => [o.name, o.status, o.files.join(", ") || "—", o.detail || "—"]),
        ),
        "",
      ].join("\n"),
    };
  },
});
