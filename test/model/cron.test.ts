import { cronError, timeZoneError } from '../../lib/model';

// robfig/cron v3 (Kubernetes CronJobs, Argo CD sync windows): parser.go getRange, spec.go bounds.
test.each([
  ['0 9 * * 1-5', undefined],
  ['*/15 8-18 * * MON-FRI', undefined],
  ['0 0 1 jan,Jul ?', undefined],
  ['5/10 * * * *', undefined],
  ['0 9 * * 7', 'day-of-week field "7": 7 is outside 0-6 (Sunday is 0)'],
  ['0 9 * * 5-1', 'day-of-week field "5-1": the range starts after it ends (5 > 1)'],
  ['*/0 * * * *', 'minute field "*/0": a step must be at least 1'],
  ['0 9 * * MOX', 'day-of-week field "MOX": "MOX" is not a day name (sun-sat)'],
  ['0 9 * FOO *', 'month field "FOO": "FOO" is not a month name (jan-dec)'],
  ['0 9 * * 1-2-3', 'day-of-week field "1-2-3" is not a number, range, list or step'],
  ['0 9 1/2/3 * *', 'day-of-month field "1/2/3" is not a number, range, list or step'],
  ['0 0 0 * *', 'day-of-month field "0": 0 is outside 1-31'],
])('cron schedule %s', (schedule, why) => {
  expect(cronError(schedule)).toBe(why);
});

test('descriptors are accepted unless turned off (Argo CD sync windows: no cron.Descriptor)', () => {
  expect(cronError('@daily')).toBeUndefined();
  expect(cronError('@daily', { descriptors: false })).toBe('is a descriptor; write the 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1-5"');
  expect(cronError('0 9 * *', { descriptors: false })).toBe('has 4 fields; expected 5 (minute hour day-of-month month day-of-week)');
});

test.each([
  ['UTC', undefined],
  ['America/New_York', undefined],
  ['Asia/Kolkata', undefined], // the IANA name; ICU's canonical one is Asia/Calcutta
  ['Etc/GMT+5', undefined],
  ['america/new_york', 'is not spelled as in the tz database (did you mean "America/New_York"?); zone names are case-sensitive, such as "America/New_York"'],
  ['America/New_Yrok', 'is not an IANA time zone (did you mean "America/New_York"?); allowed: a name of the tz database such as "UTC" or "America/New_York"'],
  ['+01:00', 'is not an IANA time zone; allowed: a name of the tz database such as "UTC" or "America/New_York"'],
  ['Local', 'is not an IANA time zone; allowed: a name of the tz database such as "UTC" or "America/New_York"'],
])('time zone %s', (tz, why) => {
  expect(timeZoneError(tz)).toBe(why);
});
