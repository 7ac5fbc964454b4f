/** Placeholders a command may use (docs/definitions.md). `{params.NAME}` is checked against the experiment's params. */
export const PLACEHOLDERS = [
  "exp_id",
  "run_id",
  "seed",
  "method",
  "dataset",
  "checkpoint_dir",
  "result_file",
] as const;

const PLACEHOLDER = /\{([^{}]*)\}/g;

export interface PlaceholderProblem {
  name: string;
  message: string;
}

/** Unknown placeholders in one command, given the experiment's param names. */
export function checkPlaceholders(
  command: string,
  paramNames: readonly string[],
): PlaceholderProblem[] {
  const problems: PlaceholderProblem[] = [];
  for (const match of command.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if ((PLACEHOLDERS as readonly string[]).includes(name)) continue;
    if (name.startsWith("params.")) {
      const param = name.slice("params.".length);
      if (!paramNames.includes(param))
        problems.push({
          name,
          message: `{${name}} names a param this experiment does not define (params: ${paramNames.join(", ") || "none"})`,
        });
      continue;
    }
    problems.push({
      name,
      message: `unknown placeholder {${name}}; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(" ")} {params.NAME}`,
    });
  }
  return problems;
}

/**
 * Substitutes placeholders inside each argv element. Values are inserted as data: a value that
 * contains spaces or braces stays inside its one argument and is never re-parsed.
 */
export function substituteArgv(
  argv: readonly string[],
  values: Readonly<Record<string, string>>,
): string[] {
  return argv.map((arg) =>
    arg.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole),
  );
}
