// The entry a SLURM array task runs (the batch script: `node <labgate>/dist/cli/commands/
// run-task-main.js --manifest ...`): `labgate run-task` without loading every other command,
// which takes a task's start from about 1.2 s to 0.3 s on a loaded node (bench/slurm.bench.js).
import { runTaskFromArgv } from "./run-task-command.js";

process.exitCode = await runTaskFromArgv(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
