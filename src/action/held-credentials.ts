import { isSecretName } from "../exec/untrusted-env.js";

/** Why a step that starts repository code refuses to: it holds a credential that code could read. */
export type HeldCredential = { code: "token-given" } | { code: "token-in-env"; names: string[] };

/**
 * A credential this action process holds, which any process it starts could read from
 * /proc/<pid>/environ (docs/security.md): the `token:` input, or a credential-named variable in
 * the step's environment. `INPUT_*` is the input itself and `ACTIONS_*` (ACTIONS_RUNTIME_TOKEN)
 * is in every JavaScript action's environment; neither can be removed by the workflow.
 * The one check for every mode that runs repository code (run, autofix).
 */
export function heldCredential(
  token: string | undefined,
  env: NodeJS.ProcessEnv,
): HeldCredential | undefined {
  if (token) return { code: "token-given" };
  const names = Object.keys(env).filter(
    (k) => isSecretName(k) && !/^(INPUT|ACTIONS)_/i.test(k) && env[k],
  );
  return names.length > 0 ? { code: "token-in-env", names } : undefined;
}
