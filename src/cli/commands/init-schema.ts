import { realpathSync } from "node:fs";
import { join } from "node:path";

/** Where the definitions' `$schema` points, and the file init writes for it (if any). */
export interface SchemaPlacement {
  /** The `$schema` value, relative to experiments/definitions.json. */
  ref: string;
  /** A copy of the schema init writes beside the definitions, or undefined. */
  copy?: { target: string; text: string };
}

export const SCHEMA_COPY_TARGET = "experiments/definitions.schema.json";

/**
 * The `$schema` of the definitions init writes into `root` (docs/definitions.md):
 * - labgate installed in that repository (init runs from `<root>/node_modules/labgate`): the
 *   package's own schema, `../node_modules/labgate/definitions.schema.json`, which an upgrade
 *   keeps current;
 * - otherwise a copy beside the definitions, whose `$comment` says where it came from and how to
 *   update it (a path into a node_modules that does not exist would resolve to nothing).
 */
export function placeSchema(
  root: string,
  packageRoot: string,
  version: string,
  schemaText: string,
): SchemaPlacement {
  if (sameDir(join(root, "node_modules", "labgate"), packageRoot))
    return { ref: "../node_modules/labgate/definitions.schema.json" };
  const schema = JSON.parse(schemaText) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  const withComment = {
    $schema,
    $comment: `A copy of labgate ${version}'s definitions.schema.json, written by \`labgate init\` for editors. After upgrading labgate, copy definitions.schema.json from the new release over this file (with labgate installed as a dev dependency, point "$schema" at ../node_modules/labgate/definitions.schema.json instead and delete this file).`,
    ...rest,
  };
  return {
    ref: "./definitions.schema.json",
    copy: { target: SCHEMA_COPY_TARGET, text: `${JSON.stringify(withComment, null, 2)}\n` },
  };
}

/** The definitions template with its `$schema` set to `ref`. */
export function withSchemaRef(definitionsText: string, ref: string): string {
  const out = definitionsText.replace(/("\$schema"\s*:\s*)"[^"]*"/, `$1${JSON.stringify(ref)}`);
  if (out === definitionsText && !definitionsText.includes(JSON.stringify(ref)))
    throw new Error('templates/experiment/definitions.json has no "$schema" key to set');
  return out;
}

function sameDir(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
