import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
import{a as e}from"./chunk-ZZQEW644.js";async function a(r,o,i,n){try{let{data:t}=await r.request("GET /repos/{owner}/{repo}/contents/{path}",{...o,path:i,ref:n,mediaType:{format:"raw"}});return typeof t=="string"?t:void 0}catch(t){if(e(t)===404)return;throw t}}export{a};
