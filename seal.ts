/** `npm run seal`: see lib/cli/seal.ts. */
import './lib/cli/fast-start';
import { sealCommand } from './lib/cli/seal';

sealCommand(process.argv.slice(2), () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { apps } = require('./apps') as typeof import('./apps');
  const { envs } = require('./envs') as typeof import('./envs');
  return { apps, envs };
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e);
    process.exitCode = 1;
  },
);
