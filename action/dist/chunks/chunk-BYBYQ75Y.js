import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
import{a as e}from"./chunk-YPFYDMG7.js";var r=e.object({metrics:e.record(e.string(),e.number().refine(Number.isFinite,"must be a finite number")),meta:e.record(e.string(),e.unknown()).default({})});export{r as a};
