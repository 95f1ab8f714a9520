/** `npm run validate [-- DIR]`: offline checks of synthesized manifests (see lib/cli/validate.ts). */
import './lib/cli/fast-start';
import { validateCommand } from './lib/cli/validate';

validateCommand(process.argv.slice(2), () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { envs, platform } = require('./envs') as typeof import('./envs');
  return { envs, platform };
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
