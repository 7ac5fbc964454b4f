import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
var a="Labgate-Source-Commit",g="Labgate-Run";function l(o,e,r){let s=n=>n.replace(/[\r\n]+/g," ").trim(),t=[s(o)];return e?.trim()&&t.push(e.trim()),r.length>0&&t.push(r.map(([n,i])=>`${n}: ${s(i)}`).join(`
`)),`${t.join(`

`)}
`}function p(o,e){let r=o.trim().split(/\n\s*\n/),s=r[r.length-1]??"",t=[],n=`${e.toLowerCase()}:`;for(let i of s.split(`
`))i.toLowerCase().startsWith(n)&&t.push(i.slice(n.length).trim());return t}export{a,g as b,l as c,p as d};
