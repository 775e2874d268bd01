/**
 * How far an entry's timestamp may be behind its predecessor's before verify names it: writers'
 * clocks differ a little, and two runners may sign in one order and land in the other. Writers
 * refuse to go further back, so one runner with a wrong clock cannot leave a ledger that fails.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;
