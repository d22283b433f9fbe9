import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests import the packages by name (`@cachegen/runtime`, `cachegen`) through the npm workspace;
// the exports' "@cachegen/source" condition points them at the TypeScript sources, not dist/.
// Only that condition is added: an extra `import` condition would reach Node's own require()
// of CommonJS dependencies (pg requires pg-pool) and hand them ES modules.
export default defineConfig({
  ssr: { resolve: { conditions: ['@cachegen/source', ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only fight over them, and service tests are timing-sensitive.
    maxWorkers: 2,
  },
});
