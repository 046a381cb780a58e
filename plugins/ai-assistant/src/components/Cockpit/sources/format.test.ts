import { formatAge, formatDuration } from './format';

describe('formatDuration', () => {
  it('says short runs to a tenth of a second and long ones in minutes and seconds', () => {
    expect(formatDuration(4_800)).toBe('4.8 s');
    expect(formatDuration(47_200)).toBe('47 s');
    expect(formatDuration(192_000)).toBe('3 min 12 s');
  });
});

describe('formatAge', () => {
  it('says how long ago in the largest unit that reads naturally', () => {
    expect(formatAge(20_000)).toBe('just now');
    expect(formatAge(12 * 60_000)).toBe('12 min ago');
    expect(formatAge(3 * 3_600_000 + 59 * 60_000)).toBe('3 h ago');
    expect(formatAge(50 * 3_600_000)).toBe('2 days ago');
  });
});
