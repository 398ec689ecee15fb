import Parser from "tree-sitter"; import Py from "tree-sitter-python"; import {readFileSync} from "node:fs";
const p=new Parser(); p.setLanguage(Py);
const text=readFileSync(process.argv[2],"utf8"); const lines=text.split("\n"); const K=+process.argv[3]||20;
const step=Math.ceil(lines.length/K);
for(let s=0;s<lines.length;s+=step){ const chunk=lines.slice(s,s+step).join("\n"); let best=1e9;
for(let i=0;i<3;i++){let t=performance.now(); p.parse(chunk,null,{bufferSize:chunk.length*2+1}); best=Math.min(best,performance.now()-t);}
console.log(s, chunk.length, best.toFixed(1), (chunk.length/best/1000).toFixed(2));}
