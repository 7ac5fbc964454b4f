import { actionsModeInputFromEnv, runInActions } from "../../app/run-in-actions.js";
import { type CliContext, EXIT_FAILED, EXIT_OK } from "../cli-context.js";

export const appHelp = `labgate app

Actions mode of the GitHub App: runs its handlers once on this workflow's event
(GITHUB_EVENT_NAME, GITHUB_EVENT_PATH) with the workflow's GITHUB_TOKEN. The workflow
templates/workflows/labgate-app.yml runs the same code as the pinned action's \`app\` mode, when
you do not host the app as a server (\`npm start\`).`;

export async function appCommand(ctx: CliContext): Promise<number> {
  const result = await runInActions(actionsModeInputFromEnv(ctx.env));
  if (result.failures.length > 0) {
    ctx.stderr.write(`labgate app: ${result.event} failed:\n${result.failures.join("\n")}\n`);
    return EXIT_FAILED;
  }
  ctx.stdout.write(`labgate app: handled ${result.event}\n`);
  return EXIT_OK;
}
