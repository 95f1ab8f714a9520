import { AppRegistry, checkReleaseData, ConfigError, configErrorsOf, deferDefinitionErrors, EnvironmentRegistry, throwAll, uniqueByField } from '../model';

/**
 * Several errors of one load, reported together (one line each, see `fail` in ./command): the mistakes the
 * definers kept, then what stopped the loading when something did (e.g. a misspelled identifier: a JavaScript
 * error, which no module after it survives).
 */
export class LoadErrors extends Error {
  public readonly errors: readonly unknown[];

  constructor(errors: readonly unknown[]) {
    super(`${errors.length} errors: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`);
    this.name = 'LoadErrors';
    this.errors = errors;
  }
}

/** The inputs the release data is checked against, when a loader returns them. */
interface WithReleaseData {
  readonly apps: AppRegistry;
  readonly envs: EnvironmentRegistry;
  readonly releases: unknown;
  readonly secrets?: unknown;
}

function hasReleaseData(value: unknown): value is WithReleaseData {
  const v = value as Partial<WithReleaseData> | undefined;
  return typeof v === 'object' && v !== null && typeof v.apps === 'object' && typeof v.envs === 'object' && v.releases !== undefined;
}

/**
 * Runs a command's loader (the entry point's `require('./apps')`, `require('./envs')`, ...) so that every mistake of
 * apps/ and envs/ is reported in one run: the definers' checks are deferred while modules load (lib/model's
 * `deferDefinitionErrors`), and when any was found, envs/releases.ts and envs/secrets.ts are checked too, since
 * resolve will not run. Throws nothing new when all is well; one error as itself; several as ConfigErrors (all
 * config mistakes) or {@link LoadErrors} (with the JavaScript error that stopped the loading last).
 */
export function loadInputs<T>(load: () => T): T {
  const { value, thrown, errors } = deferDefinitionErrors(load);
  if (errors.length === 0) {
    if (thrown !== undefined) throw thrown;
    return value as T;
  }
  const found: ConfigError[] = [...errors];
  let stop: unknown;
  if (thrown !== undefined) {
    const config = configErrorsOf(thrown);
    if (config) found.push(...config);
    else stop = thrown;
  } else if (hasReleaseData(value)) {
    try {
      // Against registries that are not whole: only the release data's own mistakes (see RegistryCheck.partial).
      checkReleaseData(value as WithReleaseData & Parameters<typeof checkReleaseData>[0], { partial: true });
    } catch (e) {
      const config = configErrorsOf(e);
      if (!config) throw e;
      found.push(...config);
    }
  }
  const unique = uniqueByField(found);
  if (stop === undefined) throwAll(unique);
  throw new LoadErrors([...unique, stop]);
}
