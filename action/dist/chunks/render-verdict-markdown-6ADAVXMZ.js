import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-6FTRSEAL.js";import"./chunk-NMIG4LH2.js";export{a as MAX_CHECK_TEXT,c as renderVerdictMarkdown,b as renderVerdictTitle,d as sortReasons,e as where};
