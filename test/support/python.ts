import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

/** The Python modules the template's tests and lint need (Debian: python3-flask python3-prometheus-client python3-pytest python3-gunicorn python3-pyflakes). */
export const PYTHON_MODULES = ['flask', 'prometheus_client', 'pytest', 'gunicorn', 'pyflakes'];

/** The interpreters that could import PYTHON_MODULES (a failed check is not remembered). */
const checked = new Set<string>();

/**
 * The interpreter that runs the template's pytest suites: $PYTHON, else Debian's /usr/bin/python3 (where apt-get
 * installs the packages .ci/run asks for; a pyenv or venv `python3` first on PATH would not see them), else python3.
 * Throws a message saying what to install when it cannot import the modules: these tests fail, they never skip.
 */
export function python(): string {
  const exe = process.env.PYTHON || (fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  // Checked once per interpreter and test file: importing flask and the rest costs a Python start (~0.5 s).
  if (checked.has(exe)) return exe;
  const r = spawnSync(exe, ['-c', `import ${PYTHON_MODULES.join(', ')}`], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(
      `${exe} cannot import ${PYTHON_MODULES.join(', ')}: ${(r.stderr || String(r.error ?? '')).trim().split('\n').pop()}\n`
      + 'install them (as .ci/run does): apt-get install -y python3-flask python3-prometheus-client python3-pytest python3-gunicorn python3-pyflakes\n'
      + 'or point $PYTHON at an interpreter that has them (e.g. a venv made by the template\'s `make setup`)',
    );
  }
  checked.add(exe);
  return exe;
}

/** `python -m pyflakes src tests` in `dir` (the template's `make lint`): its output, empty when clean. */
export function pyflakes(dir: string): { code: number; output: string } {
  const r = spawnSync(python(), ['-m', 'pyflakes', 'src', 'tests'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  return { code: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

export interface PytestRun {
  readonly code: number;
  readonly output: string;
  /** The summary line, e.g. "37 passed in 5.01s". */
  readonly summary: string;
}

/**
 * Runs `python -m pytest` in `dir` without leaving anything there (no .pytest_cache, no __pycache__), with the
 * FEATURE_* and other variables of this process removed so the app's tests see only what they set.
 */
export function pytest(dir: string, args: readonly string[] = []): PytestRun {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FEATURE_') && !['APP_NAME', 'APP_ENV', 'APP_REGION', 'LOG_LEVEL', 'PORT', 'PYTHONPATH'].includes(k)));
  const r = spawnSync(python(), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...env, PYTHONDONTWRITEBYTECODE: '1' },
    timeout: 120_000,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const summary = output.trim().split('\n').pop() ?? '';
  return { code: r.status ?? -1, output, summary };
}
