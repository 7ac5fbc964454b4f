import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
function o(e){let t=e.head.repo?.id,r=e.base.repo?.id;return typeof t!="number"||typeof r!="number"||t!==r}function u(e){return{number:e.number,state:e.state,headSha:e.head.sha,headRef:e.head.ref,baseRef:e.base.ref,author:e.user?.login??"",fromFork:o(e)}}async function s(e,t,r){let{data:n}=await e.rest.pulls.get({...t,pull_number:r});return u(n)}export{o as a,u as b,s as c};
