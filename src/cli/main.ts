import { parseArgs } from "node:util";
import { messageOf } from "../core/failure/failure.js";
import { type CliContext, EXIT_FAILED, EXIT_USAGE, UsageError } from "./cli-context.js";
import { packageVersion } from "./commands/init-package.js";
import { COMMANDS } from "./commands.js";

const HELP = `labgate — the experiment loop of an ML research group, gated on GitHub

Usage: labgate <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join("\n")}

Run \`labgate <command> --help\` for a command's options.`;

/** Parses argv, runs one command, and returns the exit code. Never throws for bad input. */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    ctx.stdout.write(`${HELP}\n`);
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === "--version") {
    ctx.stdout.write(`labgate ${packageVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    ctx.stderr.write(`labgate: unknown command "${name}"\n\n${HELP}\n`);
    return EXIT_USAGE;
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      ctx.stdout.write(`${command.help}\n`);
      return 0;
    }
    return await command.run(
      ctx,
      values as Record<string, string | boolean | string[] | undefined>,
      positionals,
    );
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      ctx.stderr.write(`labgate ${name}: ${messageOf(err)}\n\n${command.help}\n`);
      return EXIT_USAGE;
    }
    // A fault, not bad input: say what happened without a stack trace unless asked for one.
    ctx.stderr.write(`labgate ${name}: ${messageOf(err)}\n`);
    if (ctx.env.LABGATE_DEBUG && err instanceof Error) ctx.stderr.write(`${err.stack ?? ""}\n`);
    return EXIT_FAILED;
  }
}
