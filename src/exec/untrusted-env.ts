/**
 * The environment a process that runs repository code gets: experiment runs, dry-runs and fixers
 * (docs/security.md, "Tokens never reach repository code"). Every credential the runner, the
 * action or the app may hold is removed by name; what a script legitimately reads (PATH, HOME,
 * CUDA_*, locale, the non-secret GITHUB_SHA/GITHUB_REPOSITORY) stays.
 *
 * A denylist rather than an allowlist: research scripts read many variables we cannot list
 * (conda, module systems, W&B offline dirs, SLURM_*), while the names that carry credentials
 * follow a few conventions that this list covers.
 */
const SECRET_NAME = [
  /TOKEN/i, // GITHUB_TOKEN, INPUT_TOKEN, ACTIONS_RUNTIME_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN, GH_TOKEN, NODE_AUTH_TOKEN
  /SECRET/i, // WEBHOOK_SECRET, *_CLIENT_SECRET
  /PASSWORD|PASSWD/i,
  /PRIVATE_KEY/i, // the app key (PRIVATE_KEY, LABGATE_APP_PRIVATE_KEY)
  /API_KEY|APIKEY/i, // LABGATE_LLM_API_KEY and friends
  /CREDENTIAL/i, // GOOGLE_APPLICATION_CREDENTIALS, AWS_SHARED_CREDENTIALS_FILE
  /^INPUT_/i, // every action input (the token among them)
  /^ACTIONS_/i, // the Actions runtime: artifact/cache URLs and tokens, OIDC request URL
  /^GIT_CONFIG_(COUNT|KEY_|VALUE_|PARAMETERS)/i, // git config injected through env (extraheader)
  /^GIT_ASKPASS$|^SSH_ASKPASS$|^SSH_AUTH_SOCK$/i,
  /^AWS_ACCESS_KEY_ID$|^AWS_SESSION/i,
  /^APP_ID$|^GITHUB_APP_ID$|^LABGATE_APP_ID$/i,
];

export function isSecretName(name: string): boolean {
  return SECRET_NAME.some((re) => re.test(name));
}

/** `env` without any variable that can carry a credential. */
export function untrustedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !isSecretName(k)) out[k] = v;
  return out;
}
