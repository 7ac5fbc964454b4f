import { performance } from "node:perf_hooks";
import { GitRepo } from "../../git/git-repo.js";
import { shardArtifactName } from "../../operations/action/shard-artifact.js";
import { defineMode, type ModeResult } from "../action-mode.js";
import { cancelOnSignals } from "../cancel-signal.js";
import { heldCredential } from "../held-credentials.js";
import { decodePolicy } from "../policy-handoff.js";
import { markdownTable } from "../render-markdown.js";

/**
 * `run` (self-hosted GPU runner): this shard's runs of the approved commit with the local runner,
 * then one artifact with every sidecar, result file and log. Never commits. The experiments are
 * repository code and a process can read its parent's environment in /proc, so this step refuses
 * to start while it holds a token (`token:` must be empty) or a credential-named variable
 * (docs/security.md); output `refused` names why (token-given | token-in-env | policy-missing |
 * policy-invalid). It runs with the default branch's config the plan job handed on as input
 * `policy` (it has no token to read it), never the checkout's `.github/labgate.yml`, and takes its
 * shard's runs from input `wave-runs`, the plan job's assignment of this wave, with no plan of its
 * own (without it, from the whole plan at `sha`).
 */
export const runMode = defineMode({
  requires: ["sha", "shard"],
  async run({ inputs, env, cwd, log, artifacts }): Promise<ModeResult> {
    const shard = inputs.shard;
    const held = heldCredential(inputs.token, process.env);
    if (held) {
      const message =
        held.code === "token-given"
          ? "mode run runs repository code (the experiments) and must hold no token, which any process it starts could read from /proc; set `token: ''` on this step and run the job with `permissions: contents: read` and no secrets"
          : `mode run runs repository code and must hold no credential, but the step's environment has ${held.names.join(", ")}; remove them from the job's and the step's \`env:\` and from the runner's environment (its .env file)`;
      return {
        outputs: { runs: "0", failed: "0", refused: held.code },
        summary: `## labgate run: shard ${shard} refused (${held.code})\n\n${message}\n`,
        failure: message,
      };
    }
    const policy = inputs.policy ? decodePolicy(inputs.policy) : undefined;
    if (!policy?.ok) {
      const code = policy ? policy.code : "policy-missing";
      const message = `mode run needs input \`policy\`: the default branch's config as the plan job read it (its output \`policy\`)${policy ? `, but the one given is not valid (${policy.message})` : ""}; set \`policy: \${{ needs.plan.outputs.policy }}\` on this step and \`policy: \${{ steps.plan.outputs.policy }}\` under the plan job's \`outputs:\``;
      return {
        outputs: { runs: "0", failed: "0", refused: code },
        summary: `## labgate run: shard ${shard} refused (${code})\n\n${message}\n`,
        failure: message,
      };
    }
    const artifactName = shardArtifactName(inputs.artifactPrefix, shard, env.runAttempt);
    // Loaded on demand: each mode pulls in only its own dependencies (see scripts/build-action.js).
    const { runShard } = await import("../../operations/action/run-shard.js");
    let firstStart = true;
    const result = await runShard(
      {
        git: GitRepo.open(cwd),
        env: process.env,
        clock: () => new Date(),
        log: { info: log.info, warn: log.warning },
        signal: cancelOnSignals(),
        artifacts: artifacts(),
        emit(e) {
          if (e.type === "start") {
            if (firstStart)
              log.info(
                `labgate: first run process started ${Math.round(performance.now())} ms after the action started`,
              );
            firstStart = false;
            log.info(`start  ${e.entry.id} on ${e.entry.gpu ? `GPU ${e.entry.gpu}` : "CPU"}`);
          } else if (e.type === "finish") {
            log.info(
              `${e.entry.status.padEnd(6)} ${e.entry.id}${e.entry.reason ? ` — ${e.entry.reason}` : ""}`,
            );
          } else if (e.type === "retry") log.info(`retry  ${e.entry.id} (${e.entry.reason ?? ""})`);
          else if (e.type === "note") log.info(e.text);
        },
      },
      {
        cwd,
        sha: inputs.sha,
        shard,
        phase: inputs.phase,
        stage: inputs.stage,
        runUrl: env.runUrl,
        runner: env.runnerName,
        artifactName,
        tmpDir: env.tempDir,
        config: { ok: true, config: policy.config },
        waveRuns: inputs.waveRuns,
      },
    );
    const notDone = result.entries.filter((e) => e.status !== "done");
    const rows = result.entries.map((e) => [e.id, e.status, e.gpu ?? "cpu", e.reason ?? ""]);
    const problems = [
      ...(result.refused ? [result.refused.message] : []),
      ...(result.uploadError ? [`the artifact upload failed: ${result.uploadError.message}`] : []),
      ...(notDone.length > 0
        ? [`${notDone.length} of ${result.entries.length} run(s) did not end done`]
        : []),
    ];
    const summary = [
      `## labgate run: shard ${shard} — ${result.entries.length - notDone.length}/${result.entries.length} done`,
      "",
      `Commit \`${inputs.sha}\` on runner \`${env.runnerName}\`.`,
      ...(result.artifact
        ? [`Uploaded ${result.artifact.files} file(s) as artifact \`${result.artifact.name}\`.`]
        : []),
      ...problems.map((p) => `\n**${p}**`),
      "",
      rows.length > 0 ? markdownTable(["run", "status", "gpu", "reason"], rows) : "",
      "",
    ].join("\n");
    return {
      outputs: {
        runs: String(result.entries.length),
        failed: String(notDone.length),
        ...(result.artifact ? { artifact: result.artifact.name } : {}),
      },
      summary,
      ...(problems.length > 0 ? { failure: problems.join("; ") } : {}),
    };
  },
});
