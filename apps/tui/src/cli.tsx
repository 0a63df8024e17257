import { main } from './main.js';

// The bin: the process's arguments and streams handed to `main`, its answer as the exit code.
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
  (code) => {
    process.exitCode = code;
  },
);
