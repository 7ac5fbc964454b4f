import type { OctokitLike } from "./octokit.js";
import { httpStatus } from "./repo-ref.js";

/**
 * A GitHub App's id from its slug (`GET /apps/{app_slug}`), `undefined` when no app has that slug.
 * The id, not the slug, is what a check run's author is compared with (check-run-protocol.ts).
 */
export async function appIdBySlug(octokit: OctokitLike, slug: string): Promise<number | undefined> {
  try {
    const { data } = await octokit.rest.apps.getBySlug({ app_slug: slug });
    return data?.id;
  } catch (err) {
    if (httpStatus(err) === 404) return undefined;
    throw err;
  }
}
