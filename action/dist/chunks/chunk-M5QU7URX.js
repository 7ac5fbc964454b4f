import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
function n(t){let e="";for(let r of t)typeof r=="number"?e+=`[${r}]`:e+=e===""?r:`.${r}`;return e===""?"(root)":e}export{n as a};
