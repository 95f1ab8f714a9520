import { registerEnvironments } from '../lib/model';
import { dev } from './dev';
import { prod } from './prod';
import { staging } from './staging';

export { platform } from './platform';
export { addons } from './addons';

/** The environment registry, in promotion order: dev -> staging -> prod. */
export const envs = registerEnvironments(dev, staging, prod);
