/** Writes lambda/cli/structure-pass-bytes.ts from structure-pass.wat (see structure-pass-module.ts). */
import { writeFileSync } from 'node:fs';
import { MODULE, structurePassModule } from './structure-pass-module.js';

structurePassModule().then((text) => writeFileSync(MODULE, text));
