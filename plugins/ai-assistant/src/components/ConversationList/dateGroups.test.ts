import { groupByDate } from './dateGroups';

const at = (id: string, updatedAt: Date) => ({
  id,
  title: id,
  createdAt: updatedAt.toISOString(),
  updatedAt: updatedAt.toISOString(),
});

describe('groupByDate', () => {
  // 00:30 local time: a conversation of two hours ago was yesterday, not today.
  const now = new Date(2026, 11, 3, 0, 30);

  it('splits by calendar days of the viewer, keeping the order and leaving out empty periods', () => {
    const groups = groupByDate(
      [
        at('in a minute', new Date(2026, 11, 3, 0, 31)),
        at('midnight', new Date(2026, 11, 3, 0, 0)),
        at('two hours ago', new Date(2026, 11, 2, 22, 30)),
        at('start of yesterday', new Date(2026, 11, 2, 0, 0)),
        at('just before yesterday', new Date(2026, 11, 1, 23, 59)),
        at('seven days ago', new Date(2026, 10, 26, 0, 0)),
        at('eight days ago', new Date(2026, 10, 25, 23, 0)),
        at('thirty days ago', new Date(2026, 10, 3, 0, 0)),
        at('thirty-one days ago', new Date(2026, 10, 2, 12, 0)),
      ],
      now,
    );
    expect(groups.map(g => [g.label, g.conversations.map(c => c.id)])).toEqual([
      ['Today', ['in a minute', 'midnight']],
      ['Yesterday', ['two hours ago', 'start of yesterday']],
      ['Previous 7 days', ['just before yesterday', 'seven days ago']],
      ['Previous 30 days', ['eight days ago', 'thirty days ago']],
      ['Older', ['thirty-one days ago']],
    ]);
  });

  it('has no groups for no conversations, and only the periods that have some', () => {
    expect(groupByDate([], now)).toEqual([]);
    expect(
      groupByDate([at('old', new Date(2020, 0, 1))], now).map(g => g.label),
    ).toEqual(['Older']);
  });
});
