import * as core from "@actions/core";
import { runAction } from "./run-action.js";

await runAction(core, process.env);
