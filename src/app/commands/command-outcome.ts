import type { Reaction } from "../../github/comment-replies.js";

/** What a command did, as its reaction and its reply say. */
export interface CommandOutcome {
  reaction: Reaction;
  reply: string;
}

export const done = (reply: string, reaction: Reaction = "+1"): CommandOutcome => ({
  reaction,
  reply,
});
export const refused = (reply: string): CommandOutcome => ({ reaction: "-1", reply });
