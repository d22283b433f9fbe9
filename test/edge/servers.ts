/**
 * Private Varnish and nginx for the edge tests: each on a free loopback port, with its config and
 * work folder in a temporary directory removed on stop. `restart()` brings one back on the same
 * port (for "the edge was down while invalidating").
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, freePort, stopper, waitForPort } from '../support/services.js';

export interface RunningEdge {
  url: string;
  port: number;
  /** Stops the process; the folder stays until stop(). */
  down(): Promise<void>;
  /** Starts it again on the same port with the same config. */
  up(): Promise<void>;
  /** SIGSTOP: the process keeps its socket but answers nothing. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
  /** The process group of the running server and its workers (benchmarks read their CPU time). */
  readonly processGroup: number;
}

/** Sends a signal to the child's whole process group (varnishd and nginx fork workers that serve the requests). */
function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try { process.kill(-child.pid!, name); } catch { /* already gone */ }
}

/** Stops a child and its workers and waits for it, without removing anything. */
function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    signal(child, 'SIGCONT');
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    signal(child, 'SIGTERM');
    setTimeout(() => { if (child.exitCode === null && child.signalCode === null) signal(child, 'SIGKILL'); }, 5_000).unref();
  });
}

function running(dir: string, port: number, start: () => ChildProcess, what: string): RunningEdge & { ready: Promise<void> } {
  let child = start();
  const ready = waitForPort(port, child, what, 30_000);
  const edge = {
    url: `http://127.0.0.1:${port}`, port, ready,
    get processGroup() { return child.pid!; },
    down: () => kill(child),
    pause: () => signal(child, 'SIGSTOP'),
    resume: () => signal(child, 'SIGCONT'),
    up: async () => { await kill(child); child = start(); await waitForPort(port, child, what, 30_000); },
    stop: async () => { await kill(child); await stopper(child, dir)(); },
  };
  return edge;
}

/** `varnishd -C`: compiles a VCL; returns the exit status and what it printed on stderr. */
export function compileVcl(vclFile: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-vcc-'));
  const result = spawnSync(findBinary('varnishd', 'varnish'), ['-C', '-j', 'none', '-f', vclFile, '-n', dir], { encoding: 'utf8' });
  spawnSync('rm', ['-rf', dir]);
  return { status: result.status, stderr: result.stderr };
}

/** Starts varnishd in the foreground with this VCL (no privilege separation: `-j none`). */
export async function startVarnish(vcl: string): Promise<RunningEdge> {
  const bin = findBinary('varnishd', 'varnish');
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-varnish-'));
  const file = join(dir, 'cachegen.vcl');
  writeFileSync(file, vcl);
  const port = await freePort();
  const edge = running(dir, port, () => spawn(bin, [
    '-F', '-j', 'none', '-a', `127.0.0.1:${port}`, '-f', file, '-n', join(dir, 'work'), '-s', 'malloc,32m', '-T', 'none',
    '-p', 'default_grace=0', '-p', 'thread_pool_min=5',
  ], { stdio: 'ignore', detached: true }), 'varnishd');
  await edge.ready;
  return edge;
}

/** The wrapper nginx.conf around a generated http-level include: private pid, logs and temp folders. */
export function nginxMainConfig(dir: string, include: string): string {
  const asRoot = process.getuid?.() === 0;
  return [
    'load_module /usr/lib/nginx/modules/ngx_http_cache_purge_module.so;',
    // Workers run as nobody under a root master, and could not write the private cache folder.
    ...(asRoot ? ['user root;'] : []),
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    'error_log stderr error;',
    'events { worker_connections 256; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
    `  include ${include};`,
    '}',
    '',
  ].join('\n');
}

/** `nginx -t` on a generated include; returns the exit status and output. */
export function checkNginx(siteConf: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-nginx-t-'));
  writeFileSync(join(dir, 'site.conf'), siteConf);
  writeFileSync(join(dir, 'nginx.conf'), nginxMainConfig(dir, join(dir, 'site.conf')));
  const result = spawnSync(findBinary('nginx', 'nginx'), ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  spawnSync('rm', ['-rf', dir]);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Starts nginx in the foreground with a generated include (its listen port and cache folder chosen by `make`). */
export async function startNginx(make: (port: number, cacheDir: string) => string): Promise<RunningEdge> {
  const bin = findBinary('nginx', 'nginx');
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-nginx-'));
  const cacheDir = join(dir, 'cache');
  mkdirSync(cacheDir);
  const port = await freePort();
  writeFileSync(join(dir, 'site.conf'), make(port, cacheDir));
  writeFileSync(join(dir, 'nginx.conf'), nginxMainConfig(dir, join(dir, 'site.conf')));
  const edge = running(dir, port, () => spawn(bin, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore', detached: true }), 'nginx');
  await edge.ready;
  return edge;
}
