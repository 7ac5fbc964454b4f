import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
var o=["core.hooksPath=/dev/null","core.fsmonitor=false"];function n(t,r){let e=Buffer.from(`x-access-token:${r}`).toString("base64");return[`http.${t.replace(/\/+$/,"")}/.extraheader=AUTHORIZATION: basic ${e}`]}export{o as a,n as b};
