/**
 * The reader threads' own entry (dist/reader.mjs): the readers, the pre-filter and the record-level
 * parse, without the rest of the command line (commands, formats, the AWS SDK), so that starting a
 * thread does not load what it never runs.
 */
import { runReaderIfWorker } from './workers.js';

runReaderIfWorker();
