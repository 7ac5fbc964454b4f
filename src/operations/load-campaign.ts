import { type Config, DEFAULT_CONFIG } from "../core/config/config-schema.js";
import { parseConfig } from "../core/config/parse-config.js";
import {
  type LoadedDefinitions,
  validateDefinitions,
} from "../core/definitions/validate-definitions.js";
import type { Diagnostic } from "../core/diagnostics/diagnostic.js";
import { refusedMessage } from "../core/gates/refused-files.js";
import type { Workspace } from "./workspace.js";

export const CONFIG_PATH = ".github/labgate.yml";

/** A config read elsewhere, or why it is invalid (`readPolicyConfig`'s result fits). */
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
 * `config`: the config already read elsewhere — the app's policy from the default branch
 * (`readPolicyConfig`); the workspace's `.github/labgate.yml` is then not read at all.
 */
export async function loadCampaign(
  ws: Workspace,
  opts: {
    definitionsPath?: string;
    configPath?: string;
    config?: GivenConfig;
  } = {},
): Promise<Campaign> {
  const configPath = opts.configPath ?? CONFIG_PATH;
  let configResult = opts.config;
  if (!configResult) {
    const configText = await ws.readFile(configPath);
    configResult =
      (configText === undefined ? refusedDiagnostic(ws, configPath) : undefined) ??
      parseConfig(configPath, configText);
  }
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
  const refused = text === undefined ? refusedDiagnostic(ws, definitionsPath) : undefined;
  if (refused) return { config, definitionsPath, diagnostics: refused.diagnostics };
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

/**
 * `path` as a failing diagnostic when the workspace refused it (a symbolic link, a file outside the
 * checkout, over the cap: docs/security.md, "Paths come from the plan"), else undefined. Asked
 * after `path` was read and came back undefined.
 */
function refusedDiagnostic(
  ws: Workspace,
  path: string,
): { ok: false; diagnostics: Diagnostic[] } | undefined {
  const refused = ws.refusals?.().find((r) => r.path === path);
  if (!refused) return undefined;
  return {
    ok: false,
    diagnostics: [
      {
        severity: "error",
        file: path,
        path: "(root)",
        line: 1,
        column: 1,
        message: refusedMessage(refused),
      },
    ],
  };
}
