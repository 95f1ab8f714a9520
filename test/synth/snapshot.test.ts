import * as fs from 'node:fs';
import * as path from 'node:path';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';
import { ROOT } from '../support/repo';

/**
 * Golden output: one jest snapshot per dist/ file of the example repository. A change to the golden
 * app, an env or a release shows up here as a reviewable diff (`npx jest -u` accepts it).
 */
const plan = planSynth(exampleInput);

describe('dist/ snapshots of the example repository', () => {
  test('the example repo has the expected instances', () => {
    expect(plan.resolved.instances.map((i) => i.instance)).toMatchSnapshot();
    expect(plan.resolved.notReleased).toMatchSnapshot();
  });

  for (const file of plan.files) {
    test(file.path, () => {
      expect(file.content).toMatchSnapshot();
    });
  }

  test('committed dist/ is what synth produces (run `npm run synth` after changing apps/ or envs/)', () => {
    for (const file of plan.files) {
      expect({ path: file.path, content: fs.readFileSync(path.join(ROOT, 'dist', file.path), 'utf8') })
        .toEqual({ path: file.path, content: file.content });
    }
  });
});
