/**
 * A second process running a cache (test/cache/fixtures/bus-peer.ts), driven by JSON lines:
 * for bus tests across processes, and for proving that a message cannot kill a subscriber.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('../cache/fixtures/bus-peer.ts', import.meta.url));

export interface BusPeer {
  /** Sends one command; resolves with its result. */
  call: (cmd: Record<string, unknown>) => Promise<unknown>;
  /** Resolves with the exit code once the process exits. */
  exited: Promise<number | null>;
  child: ChildProcess;
}

/** Starts the peer process on `redisUrl`, namespace `namespace`. */
export function startBusPeer(redisUrl: string, namespace: string): BusPeer {
  const child = spawn(process.execPath, ['--conditions=@cachegen/source', '--import', 'tsx', fixture, redisUrl, namespace], { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map<number, (v: unknown) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return; // not a reply
    const { id, result } = JSON.parse(line) as { id: number; result: unknown };
    waiting.get(id)?.(result);
    waiting.delete(id);
  });
  let next = 0;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child, exited,
    call: (cmd) => new Promise((resolve) => {
      const id = ++next;
      waiting.set(id, resolve);
      child.stdin!.write(`${JSON.stringify({ id, ...cmd })}\n`);
    }),
  };
}
