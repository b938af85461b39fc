import { defineConfig } from 'vitest/config';

// One run for every package's unit and integration tests; each project keeps its own config.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'demo'],
  },
});
