import { type CommandOutcome, done } from "./command-outcome.js";

export const HELP_TEXT = `**labgate commands** (a comment line that starts with the command):

| command | what it does | who |
| --- | --- | --- |
| \`/approve-phase8 [sha] [budget=N]\` | approves the full phase for this PR's head commit and dispatches it to the GPU runners; needs every gate green on that commit, and the head to be the one you saw when you wrote the comment (or the \`sha\` you name, all 40 hex digits). A campaign over its GPU-hour budget is refused; \`budget=N\` approves it for N GPU-hours, and on an approval that stands raises its budget (and starts a wave the budget paused) | write access, or a configured approver |
| \`/run-pilot [stage]\` | runs the pilot experiments (all stages in order, or one stage) | write access, or a configured approver |
| \`/cancel\` | cancels this PR's running dispatch | write access, or a configured approver |
| \`/retry failed\` · \`/retry <run_id>\` | re-runs the failed jobs of the last dispatch, or the job that holds one run | write access, or a configured approver |
| \`/labgate help\` | this table | anyone |

Edited comments, quoted lines, code blocks, HTML comments and \`<details>\` blocks are not commands. A push that changes code voids an approval; only labgate's own results commits keep it.`;

export function helpCommand(unknown?: string): CommandOutcome {
  if (unknown === undefined) return done(HELP_TEXT, "eyes");
  return {
    reaction: "confused",
    reply: `labgate does not understand \`${unknown}\`.\n\n${HELP_TEXT}`,
  };
}
