import { type Config, DEFAULT_CONFIG } from "../core/config/config-schema.js";
import {
  type LoadedDefinitions,
  validateDefinitions,
} from "../core/definitions/validate-definitions.js";
import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { loadContext, refusedFileDiagnostic } from "./load-context.js";
import type { Workspace } from "./workspace.js";

/** A config loaded elsewhere (`loadContext`'s result fits), or why it cannot be used. */
export type GivenConfig = { ok: true; config: Config } | { ok: false; diagnostics: Diagnostic[] };

export interface Campaign {
  config: Config;
  loaded?: LoadedDefinitions;
  definitionsPath: string;
  /** Errors and warnings from the config and the definitions, in that order. */
  diagnostics: Diagnostic[];
}

/**
 * Reads and validates the config, then the definitions it points at (or `definitionsPath`).
 * `config`: the invocation's config, loaded once by its shell (`loadContext`) — in the app the
 * default branch's policy; the workspace's `.github/labgate.yml` is then not read at all.
 * Without it, the workspace's own file (`loadContext`'s `disk` source).
 */
export async function loadCampaign(
  ws: Workspace,
  opts: {
    definitionsPath?: string;
    configPath?: string;
    config?: GivenConfig;
  } = {},
): Promise<Campaign> {
  const configResult =
    opts.config ?? (await loadContext({ kind: "disk", workspace: ws, path: opts.configPath }));
  if (!configResult.ok) {
    return {
      config: DEFAULT_CONFIG,
      definitionsPath: opts.definitionsPath ?? DEFAULT_CONFIG.definitions,
      diagnostics: configResult.diagnostics,
    };
  }
  const config = configResult.config;
  const definitionsPath = opts.definitionsPath ?? config.definitions;
  const text = await ws.readFile(definitionsPath);
  const refused = text === undefined ? refusedFileDiagnostic(ws, definitionsPath) : undefined;
  if (refused) return { config, definitionsPath, diagnostics: [refused] };
  if (text === undefined) {
    return {
      config,
      definitionsPath,
      diagnostics: [
        {
          severity: "error",
          file: definitionsPath,
          path: "(root)",
          line: 1,
          column: 1,
          message: "file not found",
          hint: "create it with `labgate init`, or pass the path: `labgate validate path/to/definitions.json`.",
        },
      ],
    };
  }
  const result = validateDefinitions(definitionsPath, text, {
    budgetGpuHours: config.budget.gpu_hours,
  });
  return { config, loaded: result.loaded, definitionsPath, diagnostics: result.diagnostics };
}
