import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
var e=["definitions","code-review","design-debate","pilot"];export{e as a};
