// How much slower than a developer's machine the tests allow this one to be: every test's
// timeout and the default wait of an expect scale by it. The CI machine has been measured at up
// to three times a developer's run of the same suite; E2E_SLOWDOWN sets it (1 by default, 2 under CI).
export const SLOWDOWN = Number(process.env.E2E_SLOWDOWN ?? (process.env.CI ? 2 : 1));
