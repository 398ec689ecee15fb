// Writing a fixed file safely (SPEC §5): only if the disk still holds the bytes that were read,
// through a temporary file in the same directory and a rename, keeping the permission bits.
// Synchronous on purpose: a signal handler can only run between two whole files.
import { closeSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, chmodSync } from "node:fs";
import path from "node:path";
import { describeFsError, readRegularFile } from "./discover.js";

export type WriteResult = { ok: true } | { ok: false; message: string };

export function writeIfUnchanged(absPath: string, expected: Buffer, contents: Buffer): WriteResult {
  let target: string;
  let current: Buffer;
  let mode: number;
  try {
    // Write through a symbolic link to its target, so the link itself stays a link.
    target = realpathSync(absPath);
    current = readRegularFile(target);
    mode = statSync(target).mode & 0o7777;
  } catch (error) {
    return { ok: false, message: `cannot re-read before writing: ${describeFsError(error)}` };
  }
  if (!current.equals(expected)) return { ok: false, message: "changed on disk since it was read; not written" };

  // A random suffix only has to avoid a stale file of an earlier run: "wx" never overwrites one.
  // (Math.random, not node:crypto, which would cost every run 5 ms of start-up.)
  const suffix = Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, "0");
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.bindfix-${process.pid}-${suffix}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, "wx", mode);
    let written = 0;
    while (written < contents.length) written += writeSync(fd, contents, written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    chmodSync(temporary, mode); // the umask may have narrowed the mode given to open
    renameSync(temporary, target);
    return { ok: true };
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing to clean up: the temporary file was never created or was already renamed.
    }
    return { ok: false, message: `cannot write: ${describeFsError(error)}` };
  }
}
