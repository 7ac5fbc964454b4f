import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
import{d as i,f as t}from"./chunk-GQLOCSA3.js";import{isAbsolute as c,relative as d,resolve as f}from"node:path";var u=i;function m(r,n=u){let a=t(r,n),o=[];return{async readFile(s){let e=await a(c(s)?d(f(r),s)||".":s);if(e.ok)return e.text;e.code!=="missing"&&o.push({path:s,code:e.code,message:e.message})},refusals:()=>o}}export{m as a};
