/** The Action's entry point (bundled to dist/index.js): runs the action. */
import { run } from './main.ts';

await run();
