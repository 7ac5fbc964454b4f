import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
import{a as o,b as s}from"./chunk-7YMPYDAI.js";import"./chunk-NMIG4LH2.js";import{parentPort as r}from"node:worker_threads";var a=o();a.catch(()=>{});var n=Promise.resolve();r?.on("message",({spec:i,warmUp:t})=>{n=n.then(async()=>{try{let e=await s(await a,i);t||r?.postMessage({svg:e})}catch(e){t||r?.postMessage({error:e.message??String(e)})}})});
