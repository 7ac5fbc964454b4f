import type nock from "nock";
import { exampleFiles, OWNER } from "./harness.js";

/**
 * `/approve-phase8` reads the campaign at the head in one GraphQL batch, for its GPU-hour estimate
 * against the budget (docs/approval.md, "The budget"): serves it once from the example's files,
 * `definitions` replacing its definitions.json when given. Returns the paths asked for.
 */
export function serveDefinitions(scope: nock.Scope, definitions?: string): nock.Scope {
  const files = exampleFiles();
  if (definitions !== undefined) files["experiments/definitions.json"] = definitions;
  return scope
    .post(
      "/graphql",
      (body) =>
        typeof body.query === "string" &&
        body.variables?.owner === OWNER &&
        body.query.includes("definitions.json") &&
        !body.query.includes("labgate.yml"),
    )
    .reply(200, (_uri, body: any) => {
      const repository: Record<string, unknown> = {};
      for (const m of (body.query as string).matchAll(/(f\d+): object\(expression: "([^"]+)"\)/g)) {
        const text = files[(m[2] as string).split(":").slice(1).join(":")];
        repository[m[1] as string] =
          text === undefined ? null : { text, byteSize: Buffer.byteLength(text), isBinary: false };
      }
      return { data: { repository } };
    });
}
