/**
 * Private instances of the real services the tests talk to: Redis, PostgreSQL and NATS.
 *
 * Each starts the installed binary on a free loopback port with a throw-away data folder,
 * so a test run never touches a developer's own data and can run beside another run.
 * Tests that need their own server (to kill, pause or cluster it) call these directly;
 * the shared instances come from test/setup/global.ts through vitest's `inject`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, readdirSync, chownSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningService {
  url: string;
  port: number;
  /** Stops the server and removes its data folder. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGSTOP: the process keeps its sockets but answers nothing (a hung server). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  process: ChildProcess;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function findBinary(name: string, debianPackage: string, extraDirs: string[] = []): string {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} is not installed, and the tests need a real one: apt-get install ${debianPackage}` +
      ` (or set the service URL in the environment to use a running server).`,
  );
}

export async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before it listened on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function stopper(child: ChildProcess, dir: string): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= new Promise<void>((resolve) => {
      const done = () => { rmSync(dir, { recursive: true, force: true }); resolve(); };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      try { child.kill('SIGCONT'); } catch { /* already gone */ }
      child.kill('SIGTERM');
      setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL'); }, 5_000).unref();
    });
    return stopped;
  };
}

function handle(child: ChildProcess, url: string, port: number, dir: string): RunningService {
  return {
    url, port, process: child,
    stop: stopper(child, dir),
    pause: () => { child.kill('SIGSTOP'); },
    resume: () => { child.kill('SIGCONT'); },
  };
}

export interface RedisServerOptions {
  port?: number;
  /** Extra command-line arguments, e.g. ['--cluster-enabled', 'yes']. */
  args?: string[];
}

/** Starts a private redis-server. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RunningService> {
  const bin = findBinary('redis-server', 'redis-server');
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-redis-'));
  const child = spawn(bin, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--logfile', join(dir, 'redis.log'), '--enable-debug-command', 'local',
    ...(options.args ?? []),
  ], { stdio: 'ignore' });
  await waitForPort(port, child, 'redis-server');
  return handle(child, `redis://127.0.0.1:${port}`, port, dir);
}

/** Starts a private nats-server with JetStream. */
export async function startNatsServer(): Promise<RunningService> {
  const bin = findBinary('nats-server', 'nats-server');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-nats-'));
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
  await waitForPort(port, child, 'nats-server');
  return handle(child, `nats://127.0.0.1:${port}`, port, dir);
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'postgres'))) return join(root, v, 'bin');
  findBinary('postgres', 'postgresql');
  return '';
}

/** Starts a private PostgreSQL cluster (initdb into a temporary folder), database `test`, trust auth. */
export async function startPostgres(): Promise<RunningService> {
  const binDir = postgresBinDir();
  const bin = (name: string) => (binDir ? join(binDir, name) : name);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-pg-'));
  // PostgreSQL refuses to run as root: run it as the postgres user when we are root.
  const asRoot = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) throw new Error('running as root needs a `postgres` user to start PostgreSQL: apt-get install postgresql');
    uid = Number(id.stdout.trim());
    gid = Number(g.stdout.trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const init = spawnSync(bin('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'], {
    encoding: 'utf8', uid, gid,
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.error}`);
  const child = spawn(bin('postgres'), [
    '-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir,
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
  ], { stdio: 'ignore', uid, gid });
  await waitForPort(port, child, 'postgres');
  // The server listens before it accepts logins; create the `test` database when it does.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const created = spawnSync(bin('psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', 'CREATE DATABASE test'], { encoding: 'utf8' });
    if (created.status === 0) break;
    if (Date.now() > deadline) throw new Error(`postgres did not accept connections: ${created.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return handle(child, `postgres://postgres@127.0.0.1:${port}/test`, port, dir);
}
