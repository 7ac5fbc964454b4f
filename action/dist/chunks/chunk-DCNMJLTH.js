import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
var r=/loss|error|err\b|perplexity|mse|mae|rmse|wer|cer|fid|latency|time|seconds/i;function n(t){let i=new Map;for(let e of t.hypotheses)i.has(e.metric)||i.set(e.metric,e.direction);return e=>i.get(e)??(r.test(e)?"lower":"higher")}var o=(t,i,e)=>e==="higher"?t>i:t<i;export{n as a,o as b};
