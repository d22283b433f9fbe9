// The config of the bundled example (examples/catalog): `npx cachegen generate` at the repo root uses it.
import { defineConfig } from 'cachegen/config';

export default defineConfig({
  spec: './examples/catalog/openapi.yaml',
  output: './examples/catalog/generated',
  handlers: './examples/catalog/handlers',
  runtime: {
    l1: { maxBytes: 64 * 2 ** 20 },
    l2: { redis: process.env.REDIS_URL },
    keys: { secretEnv: 'CACHEGEN_KEY_SECRET' },
  },
});
