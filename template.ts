/** `npm run template`: see lib/cli/template.ts. */
import './lib/cli/fast-start';
import { CommandIo, exitWith } from './lib/cli/command';
import { templateCommand } from './lib/cli/template';

/** The platform (only when --gitops-repo is not given): required here, so a bad envs/ file is reported as one line. */
const platform = () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return (require('./envs/platform') as typeof import('./envs/platform')).platform;
};

/** The command with its own streams: tests call it in-process; the process runs it when this file is the entry point. */
export function main(argv: readonly string[], io: CommandIo = {}): Promise<number> {
  return templateCommand(argv, platform, io);
}

if (require.main === module) exitWith(main(process.argv.slice(2)));
