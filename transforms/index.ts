// Every transform bindfix runs, in the order their findings are reported when they share a literal.
import type { Transform } from "../src/transform.js";
import socketBind from "./socket-bind.js";
import stdlibServers from "./stdlib-servers.js";
import asyncio from "./asyncio.js";
import webRun from "./web-run.js";
import gunicorn from "./gunicorn.js";
import cherrypy from "./cherrypy.js";
import rpcDebug from "./rpc-debug.js";
import twisted from "./twisted.js";

export const transforms: readonly Transform[] = [socketBind, stdlibServers, asyncio, webRun, gunicorn, cherrypy, rpcDebug, twisted];

export function transformById(id: string): Transform | undefined {
  return transforms.find((transform) => transform.id === id);
}
