import type { ScriptLanguage } from "./resolve-script.js";

/** How to add a missing flag, in the script's own parser's words. */
export function flagHint(
  language: ScriptLanguage,
  parsers: readonly string[],
  flag: string,
): string {
  const boolean = flag === "--resume" || flag === "--dry-run";
  if (language === "python") {
    if (parsers.includes("click"))
      return boolean
        ? `add @click.option("${flag}", is_flag=True)`
        : `add @click.option("${flag}")`;
    if (parsers.includes("typer"))
      return `add a parameter ${flag.slice(2).replace(/-/g, "_")} to the command function`;
    return boolean
      ? `add parser.add_argument("${flag}", action="store_true")`
      : `add parser.add_argument("${flag}")`;
  }
  if (language === "node") {
    if (parsers.includes("commander")) return `add .option("${flag}${boolean ? "" : " <value>"}")`;
    if (parsers.includes("yargs"))
      return `add .option("${flag.slice(2)}", { type: "${boolean ? "boolean" : "string"}" })`;
    return `add "${flag.slice(2)}": { type: "${boolean ? "boolean" : "string"}" } to parseArgs' options`;
  }
  return `handle ${flag} in the script's argument loop`;
}

/** A script's language from its file name (for a script a shell wrapper runs). */
export function languageOf(path: string): ScriptLanguage {
  if (path.endsWith(".py")) return "python";
  if (/\.(m|c)?[jt]s$/.test(path)) return "node";
  return "shell";
}
