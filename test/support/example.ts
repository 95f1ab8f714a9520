import { apps } from '../../apps';
import { envs, platform } from '../../envs';
import { releases } from '../../envs/releases';
import { secrets } from '../../envs/secrets';
import { ResolveInput } from '../../lib/model';

/** The example repository's inputs, as main.ts loads them. */
export const exampleInput: ResolveInput = { apps, envs, platform, releases, secrets };
