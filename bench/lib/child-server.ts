/**
 * HTTP servers under test, each in a process of its own (so the load generator never shares its
 * event loop), and the CPU time they spend: what bench:headline and bench:http measure with.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (user + system) of every process in a process group so far, µs (from /proc; Linux only). */
export function groupCpuUs(group: number): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try { stat = readFileSync(`/proc/${pid}/stat`, 'latin1'); } catch { continue; }
    // Fields after "(comm)": state ppid pgrp … utime (12th) stime (13th).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1e6) / CLOCK_TICKS;
}

export interface NodeServer { url: string; child: ChildProcess; processGroup: number }

/**
 * Starts `script <variant>` (a TypeScript file that prints `LISTENING <url>` once it listens and
 * exits on SIGTERM) in its own process and process group (for its CPU time); resolves with its URL.
 */
export function startNode(script: string, variant: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<NodeServer> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', '--conditions=@cachegen/source', script, variant], {
    cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], detached: true,
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('LISTENING ')) resolve({ url: line.slice('LISTENING '.length), child, processGroup: child.pid! });
    });
    child.once('exit', (code) => reject(new Error(`server "${variant}" exited with ${code} before it listened`)));
  });
}

export function stopNode(server: NodeServer): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}
