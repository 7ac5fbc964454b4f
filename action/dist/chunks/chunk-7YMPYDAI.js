import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
var p=()=>Promise.all([import("./vega.module-QQFBBD6B.js"),import("./build-PJUQQU3L.js")]);async function s([{parse:o,View:r},{compile:n}],i){let t=new r(o(n(i).spec),{renderer:"none"});try{let e=await t.toSVG();return e.endsWith(`
`)?e:`${e}
`}finally{t.finalize()}}export{p as a,s as b};
