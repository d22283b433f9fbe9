// The config of the bundled example (examples/catalog): `npx cachegen generate` at the repo root uses it.
import { defineConfig } from 'cachegen/config';

export default defineConfig({
  spec: './examples/catalog/openapi.yaml',
  output: './examples/catalog/generated',
  handlers: './examples/catalog/handlers',
});
