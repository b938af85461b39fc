import { defineConfig } from 'vitest/config';

// One run for every package's unit and integration tests; each project keeps its own config.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'demo'],
    // Vitest's default in a run is one worker per core but one, so one on a 2-core host; most integration tests
    // wait on QEMU, a guest or a socket rather than use the CPU, so three files at a time finish the run far sooner.
    maxWorkers: 3,
  },
});
