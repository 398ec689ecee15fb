#!/usr/bin/env node
// The executable. Two things must happen before the rest of bindfix loads (src/command.ts): V8's
// flags are set, so that every function gets its tiering budget as it first runs and the heap is
// sized before it grows; and a run over folders starts the worker thread that may share the scan,
// so that it boots while this thread loads, instead of after this thread has walked enough of the
// tree to know it is large.
import { tierUpLater } from "./tiering.js";
import { keepYoungGenerationSmall } from "./young-generation.js";
import { prestartWorker } from "./prestart.js";

tierUpLater();
keepYoungGenerationSmall();
prestartWorker(process.argv.slice(2));
await import("./command.js");
