// The config of the bundled example (examples/catalog): `npx cachegen generate` at the repo root uses it.
import { defineConfig } from './generator/config/index.js';

export default defineConfig({
  spec: './examples/catalog/openapi.yaml',
  output: './examples/catalog/generated',
  handlers: './examples/catalog/handlers',
  // Inside this repo the example runs from source with tsx; an app would keep the default `cachegen/runtime`.
  runtimeImport: '../../../runtime/index.js',
  runtime: {
    l1: { maxBytes: 64 * 2 ** 20 },
    l2: { redis: process.env.REDIS_URL },
    keys: { secretEnv: 'CACHEGEN_KEY_SECRET' },
  },
});
