import { Box, Text, type TextProps } from 'ink';
import { safeLine } from '../safe-text.js';
import { fit } from './theme.js';

/** One display row: text already on one line, with optional colour. */
export interface Row {
  readonly key: string;
  readonly text: string;
  readonly color?: string | undefined;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
}

/**
 * The one way the UI prints text: whatever it is given (trace events, answers, tool output, the
 * call a person approves) is escaped by `safeLine`, so no control sequence reaches the terminal.
 * Nothing else in the UI renders Ink's `Text` (a test holds every file to that).
 */
export function SafeText({ children, ...props }: Omit<TextProps, 'children'> & { children: string }) {
  return <Text {...props}>{safeLine(children)}</Text>;
}

/** Renders rows cut to `width`, one terminal line each, so the height is exactly `rows.length`. */
export function Lines({ rows, width }: { rows: readonly Row[]; width: number }) {
  return (
    <Box flexDirection="column">
      {rows.map((r) => (
        <SafeText
          key={r.key}
          wrap="truncate-end"
          color={r.color}
          bold={r.bold ?? false}
          dimColor={r.dim ?? false}
          inverse={r.inverse ?? false}
        >
          {fit(safeLine(r.text), width) || ' '}
        </SafeText>
      ))}
    </Box>
  );
}
