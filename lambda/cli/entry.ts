import { EXIT } from './command.js';
import { main } from './main.js';
import { terminalText } from './terminal-text.js';
import { runReaderIfWorker } from './workers.js';

if (!runReaderIfWorker()) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      // Line by line: the stack keeps its lines, any text from the input is escaped.
      process.stderr.write(
        `layerwatch: internal error: ${detail.split('\n').map(terminalText).join('\n')}\n`,
      );
      process.exitCode = EXIT.internal;
    },
  );
}
