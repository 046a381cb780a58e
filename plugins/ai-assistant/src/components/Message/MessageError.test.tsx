import { render, screen } from '@testing-library/react';
import { MessageError } from './MessageError';

describe('MessageError', () => {
  it('shows a user over the daily token budget a warning with the server message naming the budget and when it resets', () => {
    const message =
      'You have used your daily budget of 20,000 tokens for the AI assistant (20,350 used today). It resets at 00:00 UTC, in 3 h 20 min.';
    render(<MessageError error={{ code: 'budget_exceeded', message }} />);

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Daily token budget used up');
    expect(alert).toHaveTextContent(message);
    expect(alert.className).toMatch(/standardWarning/);
  });
});
