// How eagerly V8 optimises, for the command line only (the API leaves its host's V8 as it is).
// A run is one pass over the files: by default V8 hands each function that turns warm to its
// optimising compiler, and most of them are done before the compiled code pays back. On two vCPUs
// that compiler competes with the scan. Tiering up later, only the truly hot loops (the lexer, the
// scans) are optimised: on Node 20 the standard library's dry run takes 20% less CPU and the whole
// installed Python 10% less time; on Node 22 the standard library 20% less CPU (docs/performance.md).
// On Node 24 the difference was within the noise, so its V8 is left alone.
import v8 from "node:v8";

/** Per V8 major version: the flag that sets when a function is optimised, and its value here (8 × the default). */
const LATER_TIERING: Readonly<Record<string, { flag: string; value: number }>> = {
  // Node 20: tier up after 8 × 67,584 bytecodes' worth of interrupts.
  "11": { flag: "--interrupt-budget", value: 540_672 },
  // Node 22: after 8 × 3,000 invocations (the interrupt budget is gone from this V8).
  "12": { flag: "--invocation-count-for-turbofan", value: 24_000 },
};

/**
 * Sets the later tiering for this V8, unless the user chose the flag themselves (on the command
 * line or in NODE_OPTIONS). Flags are process-wide: worker threads started later share them.
 * Returns the flag set, if any.
 */
export function tierUpLater(
  v8Version: string = process.versions.v8,
  userFlags: string = givenNodeFlags(),
  setFlag: (flag: string) => void = v8.setFlagsFromString,
): string | undefined {
  const tiering = LATER_TIERING[v8Version.split(".")[0]!];
  if (!tiering || mentionsFlag(userFlags, tiering.flag.slice(2))) return undefined;
  const flag = `${tiering.flag}=${tiering.value}`;
  setFlag(flag);
  return flag;
}

/** The flags the user gave Node: on its command line and in NODE_OPTIONS, as one string. */
export function givenNodeFlags(): string {
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
}

/**
 * Whether `flags` mention a V8 flag's name (without `--`) in either spelling, anywhere: a longer
 * flag that holds the name counts too, as the user chose something about it.
 */
export function mentionsFlag(flags: string, name: string): boolean {
  // V8 reads `--interrupt-budget` and `--interrupt_budget` alike.
  return flags.includes(name) || flags.includes(name.replaceAll("-", "_"));
}
