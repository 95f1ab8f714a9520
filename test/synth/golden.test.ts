import * as fs from 'node:fs';
import * as path from 'node:path';
import { planSynth } from '../../lib/synth';
import { exampleInput } from '../support/example';
import { EXAMPLE } from '../support/repo';

/**
 * Golden output: synth of the frozen example repository (test/fixtures/example) is exactly its
 * committed dist/, file by file. A change to the golden app, a construct, a rule or the layout shows
 * up as a reviewable diff of test/fixtures/example/dist after `npm run fixtures`.
 */
const plan = planSynth(exampleInput);
const GOLDEN = path.join(EXAMPLE, 'dist');

function goldenFiles(dir = GOLDEN, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? goldenFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);
}

describe('synth of the frozen example repository', () => {
  test('deploys every released app to every env/region it is released in', () => {
    expect(plan.resolved.instances.map((i) => i.instance)).toEqual([
      'dev-us-east-1-book-shop',
      'dev-us-east-1-echo',
      'dev-us-east-1-incident-assistant-backend',
      'dev-us-east-1-incident-assistant-frontend',
      'staging-us-east-1-book-shop',
      'staging-us-east-1-echo',
      'staging-us-east-1-incident-assistant-backend',
      'staging-us-east-1-incident-assistant-frontend',
      'prod-us-east-1-book-shop',
      'prod-us-east-1-echo',
      'prod-us-east-1-incident-assistant-backend',
      'prod-us-east-1-incident-assistant-frontend',
      'prod-eu-west-1-book-shop',
      'prod-eu-west-1-echo',
    ]);
    expect(plan.resolved.notReleased).toEqual([
      { app: 'incident-assistant-backend', env: 'prod', region: 'eu-west-1' },
      { app: 'incident-assistant-frontend', env: 'prod', region: 'eu-west-1' },
    ]);
  });

  test('writes exactly the golden files (none missing, none extra)', () => {
    expect(plan.files.map((f) => f.path).sort()).toEqual(goldenFiles().sort());
  });

  for (const file of plan.files) {
    test(`${file.path} is byte-identical to the golden copy (run \`npm run fixtures\` after an intended change)`, () => {
      expect(file.content).toBe(fs.readFileSync(path.join(GOLDEN, file.path), 'utf8'));
    });
  }
});
