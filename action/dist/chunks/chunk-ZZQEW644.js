import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
function e(t){let n=t?.status;return typeof n=="number"?n:void 0}export{e as a};
