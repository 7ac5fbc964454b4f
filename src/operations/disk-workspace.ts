import { resolve } from "node:path";
import { readOptionalFile } from "./read-optional-file.js";
import type { Workspace } from "./workspace.js";

export function diskWorkspace(root: string): Workspace {
  return { readFile: (path) => readOptionalFile(resolve(root, path)) };
}
