import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The labgate package this code runs from: three levels above src/cli/commands or
 * dist/cli/commands, the folder holding bin/, templates/, definitions.schema.json and
 * package.json, whether that is a checkout or `node_modules/labgate`.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

let version: string | undefined;

/** The version in the package's package.json (`labgate --version`, the schema copy's note). */
export function packageVersion(): string {
  version ??= (
    JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }
  ).version;
  return version;
}
