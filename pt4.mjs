import Parser from "tree-sitter"; import Py from "tree-sitter-python"; import {readFileSync} from "node:fs";
const p=new Parser(); p.setLanguage(Py);
const text=readFileSync(process.argv[2],"utf8");
let calls=0;
const variants={
  whole2x:()=>p.parse(text,null,{bufferSize:text.length*2+1}),
  def:()=>p.parse(text),
  b4k:()=>p.parse(text,null,{bufferSize:4096}),
  b16k:()=>p.parse(text,null,{bufferSize:16384}),
  cb:()=>p.parse((i)=>{calls++;return i<text.length?text.slice(i,i+16384):null},null,{bufferSize:16384}),
};
for(let r=0;r<3;r++) for(const [k,f] of Object.entries(variants)){ calls=0; let t=performance.now(); const tr=f(); console.log(k,(performance.now()-t).toFixed(1), calls, tr.rootNode.hasError);}
