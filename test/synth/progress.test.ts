/**
 * Progress on a terminal for long runs (issue 14): one line rewritten in place while synth resolves, renders
 * (counted per instance) and validates, cleared before the command's own output; nothing under CI, with
 * --quiet or --json, or when stderr is not a terminal (a log, a pipe).
 */
import * as path from 'node:path';
import { TextSink } from '../../lib/cli/command';
import { progressLine } from '../../lib/cli/progress';
import { synthCommand } from '../../lib/cli/synth';
import { exampleInput } from '../support/example';
import { EXAMPLE } from '../support/repo';

/** A terminal: what is written, and isTTY set as Node sets it on a TTY stream. */
function terminal(): TextSink & { isTTY: boolean } {
  return Object.assign(new TextSink(), { isTTY: true });
}

const NOT_CI = { CI: undefined } as NodeJS.ProcessEnv;

test('on a terminal, outside CI: the phase and count, rewritten in place, then the line cleared', () => {
  const tty = terminal();
  const p = progressLine(tty, 'synth', { env: NOT_CI });
  p.update('resolve');
  p.update('render', 3, 3);
  p.end();
  expect(tty.text).toBe('\rsynth: resolve\u001b[K\rsynth: render 3/3\u001b[K\r\u001b[K');
});

test.each([
  ['not a terminal', new TextSink(), {}],
  ['under CI', terminal(), { env: { CI: 'true' } }],
  ['asked to be quiet', terminal(), { quiet: true, env: NOT_CI }],
])('nothing when %s', (_name, stream, opts) => {
  const p = progressLine(stream, 'synth', opts as never);
  p.update('render', 1, 1);
  p.end();
  expect(stream.text).toBe('');
});

describe('synth on a terminal', () => {
  const saved = process.env.CI;
  beforeAll(() => { delete process.env.CI; });
  afterAll(() => { if (saved !== undefined) process.env.CI = saved; });

  test('shows the render count up to the last instance, and leaves only its own lines behind', async () => {
    const out = new TextSink();
    const err = terminal();
    const code = await synthCommand(['--check', '--outdir', path.relative(process.cwd(), path.join(EXAMPLE, 'dist'))], () => exampleInput, out, err);
    expect(code).toBe(0);
    expect(err.text).toContain('\rsynth: render 14/14\u001b[K');
    expect(err.text.endsWith('\r\u001b[K')).toBe(true);
    expect(out.text).toMatch(/^synth --check: .* is up to date \(70 files, 14 instances\)\n$/);
  });

  test('--json and --quiet: nothing on the terminal', async () => {
    for (const flag of ['--json', '--quiet']) {
      const err = terminal();
      await synthCommand(['--check', flag, '--outdir', path.relative(process.cwd(), path.join(EXAMPLE, 'dist'))], () => exampleInput, new TextSink(), err);
      expect(err.text).toBe('');
    }
  });
});
