import { ANALYZERS, type Finding } from '../../../analyzers/index.js';
import type { RunSignature } from '../types.js';

/** The log- and name-reading analyzers (`src/analyzers/`), in their registry's order. */
export const analyzers: RunSignature = {
  name: 'analyzers',
  find(f) {
    const out: Finding[] = [];
    for (const a of ANALYZERS) out.push(...a.finds(f));
    return out;
  },
};
