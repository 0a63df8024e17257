/** The command line's exit codes (see EXIT_HELP in program.ts). */
export const EXIT_OK = 0;
export const EXIT_GATE = 1;
export const EXIT_USAGE = 2;
export const EXIT_ERROR = 3;
export const EXIT_INTERRUPTED = 130;
/** An error nothing expected: a bug in sre-eval (EX_SOFTWARE in sysexits.h). */
export const EXIT_BUG = 70;
