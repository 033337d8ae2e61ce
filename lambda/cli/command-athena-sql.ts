/** `layerwatch athena-sql`: prints the Athena query that selects the scanner's candidate events. */
import { parseArgs } from 'node:util';
import { athenaSql } from './athena.js';
import { type Command, EXIT, UsageError } from './command.js';
import { accountsOption, regionOption, tableOption, timeOption, windowOption } from './option-values.js';
import { terminalText } from './terminal-text.js';

const SYNOPSIS =
  'layerwatch athena-sql [--table DB.TABLE] [--since TIME] [--until TIME] [--account ID]... [--region NAME]...';

function help(): string {
  return `Usage: ${SYNOPSIS}

Prints the Athena query over the CloudTrail table that selects the same candidate events as
layerwatch scan (Lambda layer calls, and the calls that can blind or disarm layerwatch); scan its
results (CSV, or aws athena get-query-results JSON) with layerwatch scan.

Options:
  --table DB.TABLE   the CloudTrail table (default: cloudtrail_logs)
  --since TIME       from TIME on (ISO 8601)
  --until TIME       up to TIME
  --account ID       only this account (repeatable)
  --region NAME      only this region (repeatable)
  -h, --help         this text
`;
}

export const athenaSqlCommand: Command = {
  name: 'athena-sql',
  synopsis: SYNOPSIS,
  help,
  async run(args, io) {
    try {
      const { values, positionals } = parseArgs({
        args: [...args],
        allowPositionals: true,
        options: {
          table: { type: 'string' },
          since: { type: 'string' },
          until: { type: 'string' },
          account: { type: 'string', multiple: true },
          region: { type: 'string', multiple: true },
          help: { type: 'boolean', short: 'h' },
        },
      });
      if (values.help) {
        io.stdout.write(help());
        return EXIT.ok;
      }
      if (positionals.length > 0)
        throw new UsageError(`athena-sql takes no PATH (got ${positionals.join(' ')})`);
      const sinceMs = timeOption('since', values.since);
      const untilMs = timeOption('until', values.until);
      windowOption(sinceMs, untilMs);
      io.stdout.write(
        athenaSql({
          table: tableOption(values.table ?? 'cloudtrail_logs'),
          sinceMs,
          untilMs,
          accounts: accountsOption(values.account ?? []),
          regions: regionOption('--region', values.region ?? []),
        }),
      );
      return EXIT.ok;
    } catch (error) {
      io.stderr.write(`${terminalText(`layerwatch athena-sql: ${(error as Error).message}`)}\n\n${help()}`);
      return EXIT.incomplete;
    }
  },
};
