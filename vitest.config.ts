import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const runtime = fileURLToPath(new URL('./runtime', import.meta.url));

export default defineConfig({
  resolve: {
    // Generated code imports `cachegen/runtime`; in this repo's tests that is the source, not dist/.
    alias: [
      { find: /^cachegen\/runtime\/(cdc|graphql|grpc)$/, replacement: `${runtime}/$1/index.ts` },
      { find: /^cachegen\/runtime$/, replacement: `${runtime}/index.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only fight over them, and service tests are timing-sensitive.
    maxWorkers: 2,
  },
});
