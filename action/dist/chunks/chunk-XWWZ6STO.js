import { createRequire as __labgateCreateRequire } from 'node:module';
const require = __labgateCreateRequire(import.meta.url);
function m(n,o){return o.findIndex(e=>n.runs_on.every(r=>e.labels.includes(r))&&(n.vram_mb===0||e.gpus_per_machine>0&&e.gpu_memory_mb>=n.vram_mb*1.2))}export{m as a};
