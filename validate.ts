/** `npm run validate [-- DIR | FILE | -]`: offline checks of Kubernetes YAML (see lib/cli/validate.ts). */
import './lib/cli/fast-start';
import { exitWith } from './lib/cli/command';
import { validateCommand } from './lib/cli/validate';

exitWith(validateCommand(process.argv.slice(2), () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { apps } = require('./apps') as typeof import('./apps');
  const { envs, platform } = require('./envs') as typeof import('./envs');
  return { apps, envs, platform };
}));
