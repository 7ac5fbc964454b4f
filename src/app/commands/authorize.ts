import type { Config } from "../../core/config/config-schema.js";
import { canWrite, getCollaboratorRole } from "../../github/collaborator-permission.js";
import { isActiveTeamMember } from "../../github/team-membership.js";
import type { EventDeps } from "../event-deps.js";

export type Authorization = { ok: true; via: string } | { ok: false; reason: string };

/**
 * May `user` give commands that spend GPU time? Write access or more through the collaborator
 * permission API, or a configured approver (user or team). Any failure to ask denies: an outage
 * never grants (SPEC §7).
 */
export async function authorize(
  deps: EventDeps,
  user: string,
  approvers: Config["approvers"],
): Promise<Authorization> {
  const role = await getCollaboratorRole(deps.octokit, deps.repo, user);
  if (!role.ok)
    return {
      ok: false,
      reason: `${role.reason}, so labgate cannot verify the permission and refuses.`,
    };
  if (canWrite(role.role)) return { ok: true, via: `${role.role} permission` };
  const lower = user.toLowerCase();
  if (approvers.users.some((u) => u.toLowerCase() === lower))
    return { ok: true, via: "the approvers list in .github/labgate.yml" };
  const problems: string[] = [];
  for (const team of approvers.teams) {
    const m = await isActiveTeamMember(deps.octokit, team, user);
    if (m.member) return { ok: true, via: `membership of ${team}` };
    if (m.reason) problems.push(m.reason);
  }
  return {
    ok: false,
    reason: `@${user} has ${role.role} permission; this needs write, maintain or admin, or being a configured approver${
      problems.length > 0 ? ` (${problems.join("; ")})` : ""
    }.`,
  };
}
