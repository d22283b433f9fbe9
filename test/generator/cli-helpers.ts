/** Runs the real `cachegen` binary (generator/bin/cachegen.mjs → generator/dist/), building the packages first when they are stale. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const bin = join(repo, 'generator/bin/cachegen.mjs');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds both packages with `npm run build` unless generator/dist is newer than every source under generator/ and runtime/. */
export async function ensureBuilt(): Promise<void> {
  const entry = join(repo, 'generator/dist/cli/main.js');
  const sources = Math.max(newestSource(join(repo, 'generator')), newestSource(join(repo, 'runtime')));
  if (existsSync(entry) && statSync(entry).mtimeMs >= sources) return;
  await new Promise<void>((resolve, reject) => {
    execFile('npm', ['run', 'build'], { cwd: repo, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      // tsc still emits when some other file has a type error; the CLI can be tested as long as it did.
      if (!error || (existsSync(entry) && statSync(entry).mtimeMs >= sources)) resolve();
      else reject(new Error(`npm run build failed:\n${stdout}${stderr}`));
    });
  });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a child: this one without colour switches, plus `extra`. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of ['NO_COLOR', 'FORCE_COLOR']) if (!(name in extra)) delete env[name];
  return env;
}

/** Runs `cachegen <args>` in `cwd` with stdout/stderr piped (so not a TTY), resolving when it exits. */
export function cachegen(args: string[], cwd = repo, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `cachegen <args>` and returns the process plus a way to wait for output matching a pattern. */
export function startCachegen(args: string[], cwd: string): { child: ChildProcess; waitFor(pattern: RegExp): Promise<string>; output(): string } {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: childEnv() });
  let output = '';
  const waiters: Array<{ pattern: RegExp; from: number; resolve: (text: string) => void }> = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const text = output.slice(waiter.from);
      if (waiter.pattern.test(text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(text);
      }
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    check();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    check();
  });
  return {
    child,
    output: () => output,
    waitFor(pattern) {
      return new Promise((resolve) => {
        waiters.push({ pattern, from: output.length, resolve });
        check();
      });
    },
  };
}
