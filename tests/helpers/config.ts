/** The tests' settings from their environment: read here once, nowhere else. */
export const testConfig = Object.freeze({
  /** `pnpm screenshots` sets HK_SCREENSHOTS=1: only then are the committed pictures rewritten. */
  writeScreenshots: process.env.HK_SCREENSHOTS === "1",
  /** What a child gateway inherits from ours: the PATH and HOME to run, nothing else (its settings are explicit). */
  childBaseEnv: Object.freeze({ PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }),
});
