/** layerwatch's version: set by the CLI build from package.json (scripts/build-cli.mjs). */
declare const __LAYERWATCH_VERSION__: string | undefined;

export const VERSION: string =
  typeof __LAYERWATCH_VERSION__ === 'string' ? __LAYERWATCH_VERSION__ : 'development';
