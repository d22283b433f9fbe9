/** The services a benchmark talks to: the URL in the environment when set, else a private server stopped by stopServices(). */
import type { RunningService } from '../../test/support/services.js';

const started: RunningService[] = [];

/** The URL of `env`, or of a server `start` launches (remembered for stopServices). */
export async function service(env: string, start: () => Promise<RunningService>): Promise<string> {
  const url = process.env[env];
  if (url) return url;
  const s = await start();
  started.push(s);
  return s.url;
}

/** Stops every server service() started. */
export async function stopServices(): Promise<void> {
  await Promise.all(started.splice(0).map((s) => s.stop()));
}
