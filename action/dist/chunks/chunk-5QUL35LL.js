import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
var e;function p(){return e===void 0&&(e=Promise.all([import("./vega.module-QQFBBD6B.js"),import("./build-PJUQQU3L.js")]),e.catch(()=>{e=void 0})),e}async function d(t){let[{parse:i,View:o},{compile:a}]=await p(),n=new o(i(a(t).spec),{renderer:"none"});try{let r=await n.toSVG();return r.endsWith(`
`)?r:`${r}
`}finally{n.finalize()}}export{p as a,d as b};
