import type { OctokitLike } from "./octokit.js";
import { httpStatus } from "./repo-ref.js";

/**
 * Whether `username` is an active member of `org/team-slug`. A 404 means "not a member"; any other
 * HTTP failure also answers false (fail closed) with the reason, so the reply can say why.
 */
export async function isActiveTeamMember(
  octokit: OctokitLike,
  team: string,
  username: string,
): Promise<{ member: boolean; reason?: string }> {
  const [org, slug] = team.split("/");
  if (!org || !slug)
    return { member: false, reason: `approvers.teams entry "${team}" is not "org/team-slug"` };
  try {
    const { data } = await octokit.rest.teams.getMembershipForUserInOrg({
      org,
      team_slug: slug,
      username,
    });
    return { member: data.state === "active" };
  } catch (err) {
    const status = httpStatus(err);
    if (status === undefined) throw err;
    if (status === 404) return { member: false };
    return { member: false, reason: `team ${team}: GitHub answered HTTP ${status}` };
  }
}
