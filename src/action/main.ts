import * as core from "@actions/core";
import { runAction } from "./run-action.js";

// A SLURM array task submitted by the run mode runs this bundle too (docs/runners.md, "SLURM").
if (process.argv[2] === "run-task") {
  const { runTaskFromArgv } = await import("../cli/commands/run-task-command.js");
  process.exitCode = await runTaskFromArgv(process.argv.slice(3), {
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
} else await runAction(core, process.env);
