import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
function r(n){let e=n?.status;return typeof e=="number"?e:void 0}var i=/loss|error|err\b|perplexity|mse|mae|rmse|wer|cer|fid|latency|time|seconds/i;function s(n){let e=new Map;for(let t of n.hypotheses)e.has(t.metric)||e.set(t.metric,t.direction);return t=>e.get(t)??(i.test(t)?"lower":"higher")}var c=(n,e,t)=>t==="higher"?n>e:n<e;export{r as a,s as b,c};
