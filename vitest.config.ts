import { defineConfig } from 'vitest/config';

// One config, three projects. Integration and e2e share one broker per run (global setup).
const brokerSetup = './test/support/global-setup.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'services/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts'],
          environment: 'node',
          globalSetup: [brokerSetup],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
          environment: 'node',
          globalSetup: [brokerSetup],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
