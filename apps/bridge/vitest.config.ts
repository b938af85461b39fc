import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'bridge',
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
