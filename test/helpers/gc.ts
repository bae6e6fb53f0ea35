// A full garbage collection on demand, for the tests of what stays alive (vitest does not pass --expose-gc).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
export const gc = runInNewContext('gc') as () => void;

/** The heap in use after a full collection, in bytes. */
export function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}
