import { TagPatterns, TagPolicy, tagViolation } from '../../lib/model';

const only = (...allow: TagPolicy['allow']): TagPolicy => ({ allow });

describe('TagPatterns.gitSha', () => {
  const policy = only(TagPatterns.gitSha);

  test.each(['7d2a1b4', 'a41f9c3', '0123456789abcdef0123456789abcdef01234567'])('accepts %s', (tag) => {
    expect(tagViolation(tag, policy)).toBeUndefined();
  });

  test.each([
    ['uppercase hex', '7D2A1B4'],
    ['too short (6)', '7d2a1b'],
    ['too long (41)', 'a'.repeat(41)],
    ['not hex', '7d2a1bz'],
    ['a version', 'v1.2.0'],
  ])('refuses %s (%s)', (_why, tag) => {
    expect(tagViolation(tag, policy)).toMatch(/breaks the tag policy; allowed: a git SHA/);
  });
});

describe('TagPatterns.snapshot', () => {
  const policy = only(TagPatterns.snapshot);

  test.each(['1.3.0-SNAPSHOT-7d2a1b4', '10.20.30-SNAPSHOT-0000000'])('accepts %s', (tag) => {
    expect(tagViolation(tag, policy)).toBeUndefined();
  });

  test.each([
    '1.3.0-SNAPSHOT',
    '1.3.0-SNAPSHOT-7d2a1b',
    '1.3.0-SNAPSHOT-7d2a1b4f',
    '1.3.0-SNAPSHOT-7D2A1B4',
    '1.3.0-snapshot-7d2a1b4',
    '1.3-SNAPSHOT-7d2a1b4',
    'v1.3.0-SNAPSHOT-7d2a1b4',
  ])('refuses %s', (tag) => {
    expect(tagViolation(tag, policy)).toMatch(/allowed: X\.Y\.Z-SNAPSHOT-<sha7>/);
  });
});

describe('TagPatterns.release', () => {
  const policy = only(TagPatterns.release);

  test.each(['v1.2.0', 'v10.0.12'])('accepts %s', (tag) => {
    expect(tagViolation(tag, policy)).toBeUndefined();
  });

  test.each(['1.2.0', 'v1.2', 'v1', 'v1.2.0-rc1', 'V1.2.0', 'v1.2.0.1'])('refuses %s', (tag) => {
    expect(tagViolation(tag, policy)).toMatch(/"[^"]+" breaks the tag policy; allowed: vX\.Y\.Z/);
  });
});

describe('tagViolation', () => {
  test('a tag passes when any allowed pattern matches, and the refusal names every allowed pattern', () => {
    const policy = only(TagPatterns.gitSha, TagPatterns.snapshot);
    expect(tagViolation('7d2a1b4', policy)).toBeUndefined();
    expect(tagViolation('1.3.0-SNAPSHOT-7d2a1b4', policy)).toBeUndefined();
    const why = tagViolation('v1.2.0', policy);
    expect(why).toContain(TagPatterns.gitSha.name);
    expect(why).toContain(TagPatterns.snapshot.name);
  });

  test('a custom pattern is used as given', () => {
    const policy = only({ name: 'rc builds', pattern: /^rc-\d+$/ });
    expect(tagViolation('rc-12', policy)).toBeUndefined();
    expect(tagViolation('v1.2.0', policy)).toMatch(/allowed: rc builds/);
  });

  test.each(['latest', 'LATEST', 'Latest'])('%s is refused under every policy, even one that accepts anything', (tag) => {
    const anything = only({ name: 'anything', pattern: /.*/ });
    expect(tagViolation(tag, anything)).toMatch(/"latest" is never allowed/);
    for (const p of Object.values(TagPatterns)) expect(tagViolation(tag, only(p))).toMatch(/never allowed/);
  });

  test.each([
    ['a space', '1.2 0'],
    ['a slash', 'feature/x'],
    ['a colon', 'v1:2'],
    ['a leading dot', '.hidden'],
    ['a leading dash', '-x'],
    ['an "@"', 'v1@sha'],
    ['more than 128 characters', 'a'.repeat(129)],
    ['nothing', ''],
  ])('a tag with %s is not a valid tag, whatever the policy', (_why, tag) => {
    const anything = only({ name: 'anything', pattern: /.*/ });
    expect(tagViolation(tag, anything)).toMatch(/is not a valid image tag/);
  });

  test('128 valid characters are a valid tag', () => {
    expect(tagViolation('a'.repeat(128), only({ name: 'anything', pattern: /.*/ }))).toBeUndefined();
  });
});
