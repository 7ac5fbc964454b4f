import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
async function s(r){let[{parse:o,View:t},{compile:i}]=await Promise.all([import("./vega.module-QQFBBD6B.js"),import("./build-PJUQQU3L.js")]),n=new t(o(i(r).spec),{renderer:"none"});try{let e=await n.toSVG();return e.endsWith(`
`)?e:`${e}
`}finally{n.finalize()}}export{s as a};
