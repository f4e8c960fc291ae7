#!/usr/bin/env node
// Entry point of the `recoup` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
// A closed pipe (`recoup export ... | head`) ends the output quietly.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import('../src/adapters/cli/main.ts');
process.exitCode = await main(process.argv);
