import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit as RestOctokit } from "@octokit/rest";

/**
 * The one Octokit labgate builds itself (the Action, the CLI): REST methods plus retry on 5xx
 * and throttling that waits out primary and secondary rate limits. Probot's own Octokit
 * already carries both plugins. Adapter functions take `OctokitLike` so either works.
 */
export const LabgateOctokit = RestOctokit.plugin(retry, throttling);
export type Octokit = InstanceType<typeof LabgateOctokit>;
/** What the adapter needs from an Octokit: satisfied by ours and by Probot's `context.octokit`. */
export type OctokitLike = Pick<Octokit, "rest" | "request" | "paginate" | "graphql">;

export interface OctokitOptions {
  token: string;
  baseUrl?: string;
  /** Retries on 5xx/rate limits; tests set 0 to see the first failure. */
  retries?: number;
  log?: { warn(msg: string): void };
}

export function createOctokit(opts: OctokitOptions): Octokit {
  const retries = opts.retries ?? 3;
  return new LabgateOctokit({
    auth: opts.token,
    baseUrl: opts.baseUrl ?? "https://api.github.com",
    userAgent: "labgate",
    retry: { enabled: retries > 0, retries },
    throttle: {
      enabled: retries > 0,
      onRateLimit: (
        after: number,
        o: { method: string; url: string },
        _k: unknown,
        count: number,
      ) => {
        opts.log?.warn(
          `rate limited on ${o.method} ${o.url}; retrying in ${after}s (attempt ${count + 1})`,
        );
        return count < retries;
      },
      onSecondaryRateLimit: (
        after: number,
        o: { method: string; url: string },
        _k: unknown,
        count: number,
      ) => {
        opts.log?.warn(`secondary rate limit on ${o.method} ${o.url}; retrying in ${after}s`);
        return count < retries;
      },
    },
  });
}

/**
 * The REST base URL: `GHE_HOST` (+ `GHE_PROTOCOL`, default https) for GitHub Enterprise Server —
 * Probot's convention — else `GITHUB_API_URL` (set on Actions runners), else api.github.com.
 */
export function apiBaseUrl(env: NodeJS.ProcessEnv): string {
  if (env.GHE_HOST) return `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}/api/v3`;
  return env.GITHUB_API_URL ?? "https://api.github.com";
}
