/**
 * A private redis-server that can be stopped, killed, paused and started again on the same
 * port, keeping its data (an append-only file synced on every write) unless wiped: for tests
 * and the chaos run, where Redis must come back as an operator's would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedisServer, type RunningService } from './services.js';

export interface RestartableRedis {
  url: string;
  port: number;
  /** Starts it again (after stop, kill or wipe), with the data it had. */
  start(): Promise<void>;
  /** SIGTERM: a clean shutdown. */
  stop(): Promise<void>;
  /** SIGKILL: a crash (what was written is in the append-only file already). */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a hung server that keeps its sockets. */
  pause(): void;
  resume(): void;
  /** Stops it and deletes its data: the next start is an empty Redis. */
  wipe(): Promise<void>;
  /** Stops it for good and deletes its folder. */
  remove(): Promise<void>;
}

/** Starts one on a free port. */
export async function restartableRedis(): Promise<RestartableRedis> {
  let dir = mkdtempSync(join(tmpdir(), 'cachegen-redis-data-'));
  const port = await freePort();
  let running: RunningService | undefined;
  const start = async () => {
    running = await startRedisServer({ port, args: ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always'] });
  };
  const kill = async () => {
    const service = running;
    running = undefined;
    if (!service) return;
    const child = service.process;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    }
    await service.stop(); // removes its log folder
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    kill,
    async stop() { await running?.stop(); running = undefined; },
    pause: () => running?.pause(),
    resume: () => running?.resume(),
    async wipe() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'cachegen-redis-data-'));
    },
    async remove() { await kill(); rmSync(dir, { recursive: true, force: true }); },
  };
}
