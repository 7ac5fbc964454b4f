import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
function i(e,n,r){return r===void 0?{ok:!1,code:e,message:n}:{ok:!1,code:e,message:n,cause:r}}function s(e){if(e instanceof Error)return e.message;if(typeof e=="string")return e;try{return JSON.stringify(e)??String(e)}catch{return String(e)}}function u(e,n,r){let t=s(n);return i(e,r?`${r}: ${t}`:t,n)}export{i as a,s as b,u as c};
