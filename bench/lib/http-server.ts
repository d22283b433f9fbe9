/**
 * One contender of `npm run bench:http` (bench/lib/http-apps.ts) in its own process
 * (bench/lib/child-server.ts): `http-server.ts <variant>` prints `LISTENING <url>` once it
 * listens and runs until SIGTERM. HTTP_BENCH_GENERATED: the generated server.ts.
 */
import { buildApp } from './http-apps.js';

const app = await buildApp(process.argv[2] ?? '', process.env.HTTP_BENCH_GENERATED);
process.stdout.write(`LISTENING ${await app.listen()}\n`);
process.once('SIGTERM', () => {
  void app.close().finally(() => process.exit(0));
});
