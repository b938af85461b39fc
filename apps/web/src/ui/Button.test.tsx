/** A button the role may not use says why, to a pointer (title) and to a screen reader (its description). */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Button } from './Button.tsx';

afterEach(cleanup);

describe('Button', () => {
  it('with a denied reason: looks disabled, stays focusable, does nothing, and is described by the reason', () => {
    const onClick = vi.fn();
    render(
      <Button onClick={onClick} deniedReason="Your role (viewer) may not run stop">
        Pause
      </Button>,
    );
    const button = screen.getByRole('button', { name: 'Pause' }) as HTMLButtonElement;
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.disabled).toBe(false);
    expect(button.title).toBe('Your role (viewer) may not run stop');
    const described = button.getAttribute('aria-describedby') ?? '';
    expect(document.getElementById(described)?.textContent).toBe('Your role (viewer) may not run stop');
    button.focus();
    expect(document.activeElement).toBe(button);
    fireEvent.click(button);
    expect(onClick).not.toHaveBeenCalled();
  });

  it('does not submit its form when denied (and does when allowed)', () => {
    const onSubmit = vi.fn((event: Event) => event.preventDefault());
    const form = (deniedReason: string | null) => (
      <form onSubmit={(event) => onSubmit(event.nativeEvent)}>
        <Button type="submit" deniedReason={deniedReason}>
          Execute
        </Button>
      </form>
    );
    const { rerender } = render(form('no'));
    fireEvent.click(screen.getByRole('button', { name: 'Execute' }));
    expect(onSubmit).not.toHaveBeenCalled();
    rerender(form(null));
    fireEvent.click(screen.getByRole('button', { name: 'Execute' }));
    expect(onSubmit).toHaveBeenCalledOnce();
  });

  it('without one: an ordinary button', () => {
    const onClick = vi.fn();
    render(<Button onClick={onClick}>Resume</Button>);
    const button = screen.getByRole('button', { name: 'Resume' });
    expect(button.hasAttribute('aria-disabled')).toBe(false);
    expect(button.hasAttribute('aria-describedby')).toBe(false);
    fireEvent.click(button);
    expect(onClick).toHaveBeenCalledOnce();
  });
});
