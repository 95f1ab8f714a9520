import { ResolveInput } from '../../lib/model';
import { apps } from '../fixtures/example/apps';
import { addons, envs, platform } from '../fixtures/example/envs';
import { releases } from '../fixtures/example/envs/releases';
import { secrets } from '../fixtures/example/envs/secrets';

/** The frozen example repository's inputs (test/fixtures/example, see its README), as main.ts loads them. */
export const exampleInput: ResolveInput = { addons, apps, envs, platform, releases, secrets };
