import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { readDataFile, readTextFile, setValue, writeFileAtomic } from '../datafile';
import { AnySecrets, AppRegistry, ENV_NAME, EnvironmentRegistry, ResolveInput, SEAL_SCOPES, SealedValue, SealScope, secretTarget, unknownApp, unknownEnvironment, unknownRegion } from '../model';
import { commitPaths, isGitRepo, releaser } from '../release/git';
import { sealCommitMessage } from '../release/message';
import { loadSealingCertificate, scopeLabel, sealValue, SealingCertificate } from '../seal';
import { planSynth, writeTree } from '../synth';
import { fail, parseArgs, quietExit } from './command';
import { loadInputs } from './load';
import { UsageError } from './errors';

/**
 * What `seal` needs from the repository: the registries, and (for --commit, which re-synthesizes
 * dist/) the rest of synth's inputs, loaded only then.
 */
export type SealLoader = () => { apps: AppRegistry; envs: EnvironmentRegistry; synthInput?: () => Omit<ResolveInput, 'secrets'> };

/** Where the command reads and writes (relative to the repository root, i.e. the working directory). */
export interface SealPaths {
  readonly secretsFile: string;
  readonly certsDir: string;
  readonly dist: string;
}

const DEFAULT_PATHS: SealPaths = { secretsFile: 'envs/secrets.ts', certsDir: 'envs/certs', dist: 'dist' };

/** envs/secrets.ts as data: app -> env -> region -> KEY -> sealed value. */
type SecretsData = Record<string, Record<string, Record<string, Record<string, SealedValue>>>>;

interface Io {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  /** The value source when no --from-file: stdin. */
  readonly stdin: NodeJS.ReadStream | NodeJS.ReadableStream & { isTTY?: boolean };
  readonly now: Date;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

function certPath(paths: SealPaths, env: string, region: string): string {
  return path.join(paths.certsDir, `${env}-${region}.pem`);
}

function loadCert(paths: SealPaths, env: string, region: string, now: Date): SealingCertificate {
  const file = certPath(paths, env, region);
  if (!fs.existsSync(file)) {
    throw new UsageError(`no certificate for ${env}/${region}; fetch it from that cluster: kubeseal --fetch-cert > ${file}`, { file });
  }
  return loadSealingCertificate(fs.readFileSync(file), { file, now });
}

/**
 * `npm run seal -- <app> <env> <KEY> [--region R] [--scope S] [--from-file F] [--allow-empty]`:
 * encrypts a value (stdin or a file, never argv) for the Sealed Secrets controller of each region of
 * the env (envs/certs/<env>-<region>.pem) and records the ciphertexts in envs/secrets.ts.
 * `npm run seal -- --rotate-cert <env> <region>`: lists the values sealed with another certificate
 * than the current one of that region, which must be re-sealed.
 * Exit 0 done, 1 bad input (nothing written), 2 usage error (commander's). With --json the result,
 * or on failure `{ ok: false, exit, error }` (lib/cli/command.ts), is one JSON object on stdout.
 */
export async function sealCommand(argv: readonly string[], load: SealLoader, io: Partial<Io> = {}, paths: SealPaths = DEFAULT_PATHS): Promise<number> {
  const out = io.out ?? process.stdout;
  const err = io.err ?? process.stderr;
  const now = io.now ?? new Date();
  const program = new Command('seal')
    .description(
      'Encrypt a secret value for the Sealed Secrets controllers of an environment and record the ciphertext in envs/secrets.ts.\n' +
        'The value comes from stdin or --from-file, never from the command line. The next synth delivers it to the app as an environment variable.',
    )
    .argument('[app]', 'app name (apps/index.ts)')
    .argument('[env]', 'environment')
    .argument('[key]', 'secret key = environment variable name, e.g. OPENAI_API_KEY')
    .option('--region <region>', 'seal for one region only (default: every region of the env, each with its own certificate)')
    .option('--scope <scope>', `strict (bound to the app's namespace and SealedSecret name), namespace-wide or cluster-wide`, 'strict')
    .option('--from-file <file>', 'read the value from this file (binary-safe) instead of stdin')
    .option('--allow-empty', 'allow an empty value')
    .option('--rotate-cert', 'list values not sealed with the current certificate: seal --rotate-cert <env> <region>')
    .option('--commit', 're-synthesize dist/ and commit envs/secrets.ts + dist/ (message `seal(app): KEY for env (...) [release-bot]`)')
    .option('--by <name>', 'who seals, for the commit trailer (default: $GITHUB_ACTOR, git user.name, $USER)')
    .option('--json', 'machine-readable output on stdout (on failure too: { ok: false, exit, error })')
    .addHelpText('after', [
      '',
      'Examples:',
      '  printf %s "$OPENAI_KEY" | npm run seal -- incident-assistant-backend prod OPENAI_API_KEY',
      '  npm run seal -- book-shop dev TLS_KEY --from-file ./tls.key --region us-east-1',
      '  printf %s "$DB_PASSWORD" | npm run seal -- book-shop dev DB_PASSWORD --commit',
      '  npm run seal -- --rotate-cert prod eu-west-1',
      '',
    ].join('\n'))
    .allowExcessArguments(true);
  const parsed = parseArgs(quietExit(program, out, err), argv, out);
  if (parsed !== undefined) return parsed;
  const opts = program.opts<{ region?: string; scope: string; fromFile?: string; allowEmpty?: boolean; rotateCert?: boolean; json?: boolean; commit?: boolean; by?: string }>();
  const json = opts.json === true;
  try {
    const repo = loadInputs(load);
    const { apps, envs } = repo;
    if (opts.rotateCert) return rotateCert(program.args, envs, paths, now, out, json);
    if (opts.commit && !isGitRepo(process.cwd())) throw new UsageError('--commit needs a git repository');
    if (program.args.length > 3) {
      // Never echo the extra argument: it may be the secret itself.
      throw new UsageError('too many arguments: values are never taken from the command line (they would end up in shell history and process lists); pipe the value on stdin or use --from-file');
    }
    const [app, envName, key] = program.args as (string | undefined)[];
    if (!app || !envName || !key) throw new UsageError('usage: npm run seal -- <app> <env> <KEY> (value on stdin or --from-file); see --help');
    if (!apps[app]) throw new UsageError(unknownApp(app, Object.keys(apps)));
    const env = envs[envName];
    if (!env) throw new UsageError(unknownEnvironment(envName, Object.keys(envs)));
    if (opts.region !== undefined && !env.regionNames.includes(opts.region)) {
      throw new UsageError(unknownRegion(opts.region, envName, env.regionNames), { field: '--region' });
    }
    if (!ENV_NAME.test(key)) {
      throw new UsageError(`KEY "${key}" is not a valid environment variable name (letters, digits and "_", not starting with a digit)`);
    }
    // A key the app does not declare is sealed (the value may come before the code), but the app reads only its declared secrets:
    // said once the seal succeeded (a refusal stays one line).
    const declared = apps[app].secrets ?? [];
    const undeclared = declared.includes(key) ? undefined
      : `warning: ${key} is not one of ${app}'s secrets (${declared.length > 0 ? declared.join(', ') : 'none'}); declare it in apps/${app}.ts (secrets: [..., '${key}']) or the app never reads it\n`;
    if (!(SEAL_SCOPES as readonly string[]).includes(opts.scope)) {
      throw new UsageError(`"${opts.scope}" is not a scope; allowed: ${SEAL_SCOPES.join(', ')}`, { field: '--scope' });
    }
    const scope = opts.scope as SealScope;
    const regions = opts.region ? [opts.region] : env.regionNames;

    // Every certificate is checked before the value is read and before anything is written.
    const certs = regions.map((r) => loadCert(paths, envName, r, now));

    let value: Buffer;
    if (opts.fromFile) {
      if (!fs.existsSync(opts.fromFile) || !fs.statSync(opts.fromFile).isFile()) throw new UsageError('no such file', { file: opts.fromFile, field: '--from-file' });
      value = fs.readFileSync(opts.fromFile);
    } else {
      const stdin = io.stdin ?? process.stdin;
      if ((stdin as { isTTY?: boolean }).isTTY) {
        throw new UsageError('no value: pipe it on stdin (printf %s "$VALUE" | npm run seal -- ...) or use --from-file; values are never taken from the command line');
      }
      value = await readAll(stdin);
    }
    if (value.length === 0 && !opts.allowEmpty) throw new UsageError('the value is empty; pass --allow-empty if that is intended');

    const text = readTextFile(paths.secretsFile);
    const current = readDataFile(text, 'secrets', paths.secretsFile) as unknown as SecretsData;
    const target = secretTarget(app);
    let next = text;
    for (const [i, region] of regions.entries()) {
      const others = Object.entries(current[app]?.[envName]?.[region] ?? {}).filter(([k]) => k !== key);
      const clash = others.find(([, v]) => v.scope !== scope);
      if (clash) {
        throw new UsageError(
          `${clash[0]} of ${app} in ${envName}/${region} is sealed with scope ${clash[1].scope}; one SealedSecret has one scope: use --scope ${clash[1].scope} or re-seal ${clash[0]} too`,
        );
      }
      const sealed: SealedValue = {
        sealed: sealValue(certs[i].publicKey, value, scopeLabel(scope, target.namespace, target.name)),
        scope,
        namespace: target.namespace,
        name: target.name,
        cert: certs[i].fingerprint,
      };
      next = setValue(next, 'secrets', [app, envName, region, key], sealed as never, { fileName: paths.secretsFile }).text;
    }
    const sealedSummary = { app, env: envName, key, regions, scope, bytes: value.length };
    // --commit: synth (and its policy gate) runs on the new secrets before anything is written.
    const plan = opts.commit
      ? planSynth({ ...(repo.synthInput ?? noSynthInput)(), secrets: readDataFile(next, 'secrets', paths.secretsFile) as unknown as AnySecrets, secretsFile: paths.secretsFile })
      : undefined;
    if (plan) writeTree(paths.dist, plan.files);
    writeFileAtomic(paths.secretsFile, next);
    const commit = plan ? commitPaths(process.cwd(), [paths.secretsFile, paths.dist], sealCommitMessage(sealedSummary, opts.by ?? releaser(process.cwd()))) : undefined;
    if (json) out.write(`${JSON.stringify({ ok: true, sealed: sealedSummary, file: paths.secretsFile, ...(plan ? { commit: commit ?? null } : {}) }, null, 2)}\n`);
    else out.write(`sealed ${key} of ${app} for ${envName} (${regions.join(', ')}), scope ${scope}, ${value.length} bytes -> ${paths.secretsFile}\n`);
    if (undeclared) err.write(undeclared);
    if (value.length > 0 && value[value.length - 1] === 0x0a) {
      err.write('note: the value ends with a newline (echo adds one; printf %s does not); it is sealed as given\n');
    }
    if (!json) out.write(commit ? `committed ${commit.slice(0, 12)}: envs/secrets.ts and ${paths.dist}/ (synthesized)\n` : 'next: npm run synth, then commit envs/secrets.ts and dist/\n');
    return 0;
  } catch (e) {
    return fail({ out, err, json, outdir: paths.dist }, 1, e);
  }
}

function noSynthInput(): never {
  throw new UsageError('--commit: this entry point does not load the repository for synth');
}

function rotateCert(args: readonly string[], envs: EnvironmentRegistry, paths: SealPaths, now: Date, out: NodeJS.WritableStream, json: boolean): number {
  const [envName, region] = args;
  if (!envName || !region || args.length > 2) throw new UsageError('usage: npm run seal -- --rotate-cert <env> <region>');
  const env = envs[envName];
  if (!env) throw new UsageError(unknownEnvironment(envName, Object.keys(envs)));
  if (!env.regionNames.includes(region)) throw new UsageError(unknownRegion(region, envName, env.regionNames));
  const cert = loadCert(paths, envName, region, now);
  const data = readDataFile(readTextFile(paths.secretsFile), 'secrets', paths.secretsFile) as unknown as SecretsData;
  const all: { app: string; key: string; value: SealedValue }[] = [];
  for (const [app, perEnv] of Object.entries(data).sort()) {
    for (const [key, value] of Object.entries(perEnv?.[envName]?.[region] ?? {}).sort()) all.push({ app, key, value });
  }
  const stale = all.filter((s) => s.value.cert !== cert.fingerprint);
  const command = (s: { app: string; key: string; value: SealedValue }) =>
    `printf %s "$VALUE" | npm run seal -- ${s.app} ${envName} ${s.key} --region ${region} --scope ${s.value.scope}`;
  if (json) {
    out.write(`${JSON.stringify({
      ok: true,
      certificate: { file: certPath(paths, envName, region), fingerprint: cert.fingerprint, notAfter: cert.notAfter.toISOString() },
      env: envName,
      region,
      values: all.length,
      stale: stale.map((s) => ({ app: s.app, key: s.key, scope: s.value.scope, sealedWith: s.value.cert, command: command(s) })),
    }, null, 2)}\n`);
    return 0;
  }
  out.write(`${certPath(paths, envName, region)}: ${cert.fingerprint} (valid until ${cert.notAfter.toISOString().slice(0, 10)})\n`);
  if (stale.length === 0) {
    out.write(`all ${all.length} value(s) of ${envName}/${region} are sealed with this certificate; nothing to re-seal\n`);
    return 0;
  }
  out.write(`${stale.length} of ${all.length} value(s) of ${envName}/${region} were sealed with another certificate; re-seal each:\n`);
  for (const s of stale) {
    out.write(`  ${s.app} ${s.key} (sealed with ${s.value.cert.slice(0, 19)}...): ${command(s)}\n`);
  }
  return 0;
}
