import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["shared/test/**/*.test.ts", "broker/test/**/*.test.ts", "gateway/test/**/*.test.ts", "firmware-sim/test/**/*.test.ts", "tests/e2e/**/*.test.ts", "tests/bench/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    // The console tests drive the built dashboard in Chromium: build it first when its sources changed.
    globalSetup: ["tests/helpers/build-dashboard.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // e2e files start whole systems; keep the 2-core machine from thrashing
    maxWorkers: 2,
  },
});
