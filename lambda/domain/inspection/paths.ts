/**
 * Where each runtime looks for code in /opt (the layer's root), from the Lambda documentation
 * "Packaging your layer content" and the runtimes' default search paths:
 *   Python  /opt/python, /opt/python/lib/pythonX.Y/site-packages   (sys.path, before /var/runtime)
 *   Node.js /opt/nodejs/node_modules, /opt/nodejs/nodeNN/node_modules (NODE_PATH, before /var/runtime)
 *   Ruby    /opt/ruby/lib (RUBYLIB), /opt/ruby/gems/X.Y.Z (GEM_PATH)
 *   Java    /opt/java/lib (class path)
 */

const PYTHON_DIR = /^python\/(?:lib\/python\d+\.\d+\/site-packages\/)?/;

/** The first name below a Python import directory (site-packages when the path is in it). */
export function pythonTopLevel(path: string): { dir: string; name: string; rest: string } | null {
  const m = PYTHON_DIR.exec(path);
  if (!m) return null;
  const [name, ...more] = path.slice(m[0].length).split('/');
  if (!name) return null;
  return { dir: m[0], name, rest: more.join('/') };
}

const NODE_MODULES = /^nodejs\/(?:node\d+\/)?node_modules\//;

/** The package a path belongs to in a top-level node_modules of the layer (`@scope/name` or `name`). */
export function nodePackage(path: string): { dir: string; name: string } | null {
  const m = NODE_MODULES.exec(path);
  if (!m) return null;
  const parts = path.slice(m[0].length).split('/');
  const first = parts[0];
  if (!first) return null;
  if (first.startsWith('@')) {
    const second = parts[1];
    return second ? { dir: m[0], name: `${first}/${second}` } : null;
  }
  return { dir: m[0], name: first };
}
