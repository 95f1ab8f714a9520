/**
 * An env's `promotion` (lib/model/promotion.ts): typed and validated when the env is defined; soak
 * durations parsed and printed in one notation. Bad inputs are cast with `as never` (they are
 * compile errors too); each fails with this file, the field and what is allowed.
 */
import { defineEnvironment, formatDuration, parseDuration, registerApps, TagPatterns } from '../../lib/model';
import { app, configError } from '../support/fixtures';

const apps = registerApps(app('echo'));
const BASE_ENV = {
  name: 'staging',
  regions: { 'us-east-1': {}, 'eu-west-1': {} },
  profile: { replicas: 1, resources: { cpu: '200m', memory: '256Mi' }, logLevel: 'info' },
  sync: { automated: false },
  ingress: { domain: 'staging.acme.io' },
  tags: { allow: [TagPatterns.snapshot] },
};

const define = (promotion: unknown) => defineEnvironment(apps, { ...BASE_ENV, promotion } as never);
const error = (promotion: unknown) => configError(() => define(promotion)).message;
const at = (field: string, reason: string) => `${__filename}: ${field}: ${reason}`;

describe('promotion', () => {
  test('requireHealthy, soak and regionByRegion are kept as written; none is required', () => {
    expect(define({ requireHealthy: true, soak: '1h' }).promotion).toEqual({ requireHealthy: true, soak: '1h' });
    expect(define({ regionByRegion: true }).promotion).toEqual({ regionByRegion: true });
    expect(define({}).promotion).toEqual({});
    expect(defineEnvironment(apps, BASE_ENV as never).promotion).toBeUndefined();
  });

  test('bad values name the field and what is allowed', () => {
    expect(error({ soak: '90' })).toBe(at('promotion.soak', '"90" is not allowed; allowed: a duration in days, hours and minutes such as "30m", "1h", "2h30m" or "1d" (more than zero)'));
    expect(error({ soak: '0m' })).toContain('promotion.soak: "0m" is not allowed');
    expect(error({ soak: '30m1h' })).toContain('promotion.soak: "30m1h" is not allowed');
    expect(error({ requireHealthy: 'yes' })).toBe(at('promotion.requireHealthy', 'must be true or false, got "yes"'));
    expect(error({ requireHealthly: true })).toBe(at('promotion.requireHealthly', 'unknown key (did you mean "requireHealthy"?); allowed: requireHealthy, soak, regionByRegion'));
    expect(error('1h')).toBe(at('promotion', 'must be an object, got "1h"'));
    expect(configError(() => defineEnvironment(apps, { ...BASE_ENV, promotions: {} } as never)).message).toContain('promotions: unknown key (did you mean "promotion"?)');
  });
});

describe('durations', () => {
  test.each([
    ['30m', 30],
    ['1h', 60],
    ['2h30m', 150],
    ['1d', 1440],
    ['1d2h', 1560],
  ])('%s is %i minutes', (s, minutes) => {
    expect(parseDuration(s)).toBe(minutes * 60_000);
    expect(formatDuration(minutes * 60_000)).toBe(s);
  });

  test.each(['', '0h', '1.5h', '1H', '90s', 'h', '1h 30m', '-1h'])('"%s" is not a duration', (s) => {
    expect(parseDuration(s)).toBeUndefined();
  });

  test('time left rounds up (never 0m), time passed rounds down', () => {
    expect(formatDuration(1)).toBe('1m');
    expect(formatDuration(59 * 60_000 + 1)).toBe('1h');
    expect(formatDuration(59 * 60_000 + 1, 'down')).toBe('59m');
    expect(formatDuration(30_000, 'down')).toBe('0m');
  });
});
