/**
 * `-c` settings for git in a repository that repository code has touched: no hook runs (a fixer
 * can plant `.git/hooks/*` or set `core.hooksPath`) and no fsmonitor command either.
 */
export const NO_HOOKS: readonly string[] = ["core.hooksPath=/dev/null", "core.fsmonitor=false"];

/**
 * `-c` settings that let git fetch and push over HTTPS with `token`: an
 * `http.<server>/.extraheader`, given per command, so the token is never written to .git/config
 * (the checkout keeps `persist-credentials: false`) and never reaches the fixers' processes.
 */
export function gitAuthConfig(serverUrl: string, token: string): string[] {
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return [`http.${serverUrl.replace(/\/+$/, "")}/.extraheader=AUTHORIZATION: basic ${basic}`];
}
