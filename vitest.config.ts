import { defineConfig } from 'vitest/config';

// Unit tests (packages/domain) and service/API tests against a real database: the embedded
// one by default, a PostgreSQL server when TEND_TEST_DATABASE_URL is set (see scripts/test.mjs).
export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/server/src/**/*.test.ts',
      'apps/web/src/**/*.test.ts',
      'bench/*.test.ts',
    ],
    globalSetup: ['./apps/server/src/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Training clinics made by the tests are the small size (the generator's own test makes a full one).
    env: { TZ: 'UTC', TEND_TRAINING_SIZE: 'small' },
  },
});
