/**
 * ONBOARDING.md's checklist, run as written on a copy of the example repository: every `npm run ...` line of
 * its ```sh blocks (a `printf %s '...' |` prefix becomes the command's stdin), in order, plus the one manual
 * edit it asks for (declaring the secret). Each command must succeed with no error line.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, ROOT, TempRepo } from '../support/repo';

const DOC = fs.readFileSync(path.join(ROOT, 'ONBOARDING.md'), 'utf8');
const checklist = DOC.slice(DOC.indexOf('## Checklist'), DOC.indexOf('## Troubleshooting'));
const commands = [...checklist.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n').map((l) => l.trim()).filter(Boolean));
const SCRIPTS: Record<string, Command> = { synth: 'synth', diff: 'diff', validate: 'validate', seal: 'seal', release: 'release', 'new-app': 'new-app' };

function parse(line: string): { command: Command; args: string[]; stdin?: string } {
  const m = /^(?:printf %s '([^']*)' \| )?npm run ([\w-]+)(?: -- (.*))?$/.exec(line);
  if (!m || !SCRIPTS[m[2]]) throw new Error(`ONBOARDING.md: not a runnable command: ${line}`);
  const args = (m[3] ?? '').match(/'[^']*'|"[^"]*"|\S+/g)?.map((a) => a.replace(/^['"]|['"]$/g, '')) ?? [];
  return { command: SCRIPTS[m[2]], args, ...(m[1] !== undefined ? { stdin: m[1] } : {}) };
}

let repo: TempRepo;
/** Where the checklist's `--out ../payments` lands here (beside the repository, in a directory of this test's own). */
let outRoot: string;
beforeAll(() => {
  repo = new TempRepo();
  outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-out-'));
});
afterAll(() => {
  repo?.cleanup();
  if (outRoot) fs.rmSync(outRoot, { recursive: true, force: true });
});

test('the checklist has the commands of the path: new-app, seal, diff, synth, validate, promote', () => {
  expect(commands.map((c) => parse(c).command)).toEqual(['new-app', 'seal', 'seal', 'seal', 'diff', 'synth', 'validate', 'release', 'release']);
});

test('every command of the checklist runs as written, in order', async () => {
  for (const line of commands) {
    const { command, args, stdin } = parse(line);
    const out = args.indexOf('--out');
    if (out >= 0) args[out + 1] = path.join(outRoot, path.basename(args[out + 1]));
    if (command === 'seal' && !repo.read('apps/payments.ts').includes('secrets:')) repo.edit('apps/payments.ts', "  port: 8080,\n", "  port: 8080,\n  secrets: ['PAYMENT_KEY'],\n"); // step 2's manual edit
    const r = await repo.cli(command, args, stdin !== undefined ? { stdin } : {});
    expect({ line, code: r.code, errors: r.stderr.split('\n').filter((l) => /^(error|refused|warning):/.test(l)) }).toEqual({ line, code: 0, errors: [] });
  }
  // Where it ends: payments runs in every env, prod from the digest dev ran, and the matrix lists it.
  for (const env of ['dev', 'staging', 'prod']) expect(fs.existsSync(repo.path(`dist/apps/${env}/us-east-1/payments/payments.yaml`))).toBe(true);
  expect(repo.read('dist/apps/prod/us-east-1/payments/payments.yaml')).toContain('ghcr.io/acme/payments:v0.1.0@sha256:1111111111111111111111111111111111111111111111111111111111111111');
  expect(repo.read('dist/README.md')).toContain('payments');
  // And the service's own repository, from the template (its tests run in test/cli/new-app-template.test.ts).
  expect(fs.readFileSync(path.join(outRoot, 'payments', 'src', 'payments', 'routes.py'), 'utf8')).toContain('def register(');
  expect(fs.readFileSync(path.join(outRoot, 'payments', '.github', 'workflows', 'build.yml'), 'utf8')).toContain("IMAGE: 'ghcr.io/acme/payments'");
});
