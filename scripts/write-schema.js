// Regenerates definitions.schema.json from the zod schema (run by `npm run schema`).
import { writeFileSync } from "node:fs";
import { definitionsJsonSchema } from "../dist/core/definitions/definitions-json-schema.js";

writeFileSync(new URL("../definitions.schema.json", import.meta.url), definitionsJsonSchema());
console.log("wrote definitions.schema.json");
