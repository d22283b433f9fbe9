/**
 * The two packages as a user gets them: `npm pack` of generator/ and runtime/, and npm run in a
 * scratch app outside the repository. Used by the packed install test and bench/packaging.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Paths of the packed tarballs. */
export interface Tarballs {
  runtime: string;
  cachegen: string;
}

/** How the scratch app installs: from the npm cache first, the registry only for what it lacks. */
export const INSTALL_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'] as const;

/**
 * The environment of npm in a scratch app: without the `npm_*` variables of an `npm test` that
 * started us (npm_config_local_prefix would point npm back at this repository) and without this
 * repository's node_modules/.bin on PATH, so `npx` finds only what the app installed.
 */
export function scratchEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) && !/^npm_config_(cache|registry|userconfig)$/i.test(name)) continue;
    env[name] = value;
  }
  env.PATH = (process.env.PATH ?? '').split(':').filter((dir) => !dir.startsWith(repo)).join(':');
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

/** Runs a program in `cwd` with the scratch environment; resolves to its stdout, rejects with all its output. */
export function run(program: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { cwd, env: scratchEnv(env), maxBuffer: 64 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(' ')} (in ${cwd}) failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Packs both packages into `folder` from their dist/ as `npm run build` left it (`--ignore-scripts`
 * skips prepack's rebuild: the caller makes sure the build is current).
 */
export async function packPackages(folder: string): Promise<Tarballs> {
  const pack = async (dir: string): Promise<string> => {
    const out = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', folder], join(repo, dir));
    const [packed] = JSON.parse(out) as [{ filename: string }];
    return join(folder, packed.filename);
  };
  return { runtime: await pack('runtime'), cachegen: await pack('generator') };
}
