import { Box, Text } from 'ink';
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

/** Renders rows cut to `width`, one terminal line each, so the height is exactly `rows.length`. */
export function Lines({ rows, width }: { rows: readonly Row[]; width: number }) {
  return (
    <Box flexDirection="column">
      {rows.map((r) => (
        <Text
          key={r.key}
          wrap="truncate-end"
          color={r.color}
          bold={r.bold ?? false}
          dimColor={r.dim ?? false}
          inverse={r.inverse ?? false}
        >
          {fit(r.text, width) || ' '}
        </Text>
      ))}
    </Box>
  );
}
