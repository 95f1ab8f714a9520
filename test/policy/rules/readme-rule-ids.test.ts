import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { ALL_RULES } from '../../../lib/policy/gate';
import { ROOT } from '../../support/repo';

/**
 * The docs name rules as the code does: a `group/name` in backticks whose group is a rule group must be a rule (or
 * `group/*`), and a backticked word right after "rule" ("rule `x`") must be a rule id or group. A renamed rule fails here until the
 * README and docs/ follow (the README once called `secrets/no-plaintext` "no-plaintext-secret").
 */
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const IDS = new Set(ALL_RULES.map((r) => r.id));
const GROUPS = new Set(ALL_RULES.map((r) => r.id.split('/')[0]));

/** The rule ids and groups `text` names, with the line they are on. */
function namedRules(text: string): { line: number; name: string }[] {
  const out: { line: number; name: string }[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/`([a-z0-9-]+)\/([a-z0-9*-]+)`/g)) if (GROUPS.has(m[1])) out.push({ line: i + 1, name: `${m[1]}/${m[2]}` });
    for (const m of line.matchAll(/\brules? `([a-z0-9*/-]+)`/gi)) out.push({ line: i + 1, name: m[1] });
  });
  return out;
}

const known = (name: string): boolean => IDS.has(name) || GROUPS.has(name) || (name.endsWith('/*') && GROUPS.has(name.slice(0, -2)));

test.each(DOCS)('%s names only rules that exist', (doc) => {
  const named = namedRules(readFileSync(join(ROOT, doc), 'utf8'));
  expect(named.filter((n) => !known(n.name)).map((n) => `${doc}:${n.line}: \`${n.name}\``)).toEqual([]);
});

test('the README names rules of every group and the check catches a wrong id', () => {
  const named = namedRules(readFileSync(join(ROOT, 'README.md'), 'utf8')).map((n) => n.name);
  expect(named).toEqual(expect.arrayContaining(['secrets/no-plaintext', 'schema/core', 'images/no-latest', 'pss-baseline/*']));
  expect(namedRules('any Secret in `dist/` (rule `no-plaintext-secret`); `images/no-lates`').map((n) => known(n.name))).toEqual([false, false]);
});
