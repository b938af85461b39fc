/**
 * Catches a rendering failure in one page so the frame (top bar, banner)
 * stays and the person sees what broke instead of a blank tab.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('QMP Deck: a page failed to render', error, info.componentStack);
  }

  override componentDidUpdate(previous: { resetKey: string }): void {
    // Navigating elsewhere gives the new page a fresh start.
    if (previous.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <main role="alert" className="p-6 text-sm">
        <p className="font-semibold">This page failed: {this.state.error.message}</p>
        <button type="button" className="mt-2 underline" onClick={() => window.location.reload()}>
          Reload
        </button>
      </main>
    );
  }
}
