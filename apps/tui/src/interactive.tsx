import { render } from 'ink';
import type { ApprovalQueue } from './approvals.js';
import type { TuiStore } from './store.js';
import { App } from './ui/app.js';

/** What the interactive UI shows and answers. */
export interface InteractiveOptions {
  readonly store: TuiStore;
  readonly title: string;
  readonly approvals?: ApprovalQueue | undefined;
  /** Called when the user quits (before the UI unmounts): cancel live runs here. */
  readonly onQuit?: (() => void) | undefined;
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
}

/**
 * Renders the Ink UI until the user quits. Waiting approvals are denied on the way out, so no
 * run is left hanging on a person who has gone.
 */
export async function runInteractive(options: InteractiveOptions): Promise<void> {
  const renderOptions = {
    stdout: options.stdout ?? process.stdout,
    stdin: options.stdin ?? process.stdin,
    exitOnCtrlC: true,
    patchConsole: false,
    maxFps: 30,
    // Newer Ink releases take this flag instead of reading CI; 6.8 ignores it (see withoutCiEnv).
    interactive: true,
  };
  const instance = render(
    <App store={options.store} title={options.title} approvals={options.approvals} onQuit={options.onQuit} />,
    renderOptions,
  );
  try {
    await instance.waitUntilExit();
  } finally {
    options.approvals?.denyAll();
    options.store.close();
  }
}
