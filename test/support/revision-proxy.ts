/**
 * An HTTP proxy in front of moto that gives Lambda functions and aliases a `RevisionId` the way AWS
 * does, because moto 5.2.5 has none for functions and ignores the one sent (TOOLCHAIN.md): every
 * successful write of a function's configuration or code, or of an alias, makes a new revision; the
 * revision is put into the answers that carry one (GetFunctionConfiguration, UpdateFunctionConfiguration,
 * ListAliases, GetAlias, UpdateAlias, CreateAlias); and a write that names a revision that is not the
 * current one is answered `412 PreconditionFailedException`, as AWS answers it, and never reaches moto.
 * moto also looks a function up by name only in ListVersionsByFunction (an ARN answers an empty
 * list) and ListAliases (an ARN answers "Function not found"), where AWS takes a name or an ARN: the
 * proxy sends those two paths on with the function's name (every function here is in one account).
 */
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';

export interface RevisionProxy {
  endpoint: string;
  /** Writes refused with 412. */
  refused: number;
  /** Writes that named a revision (and matched it). */
  guarded: number;
  close(): Promise<void>;
}

const PATH =
  /^\/[^/]+\/functions\/([^/?]+)(?:\/(configuration|code|aliases|versions)(?:\/([^/?]+))?)?\/?(?:\?.*)?$/;

/** The function's name, from a name, a partial ARN or an ARN in the path (qualifier dropped). */
function nameOf(segment: string): string {
  const decoded = decodeURIComponent(segment);
  const m = /function:([^:]+)/.exec(decoded);
  return m ? (m[1] as string) : (decoded.split(':')[0] as string);
}

interface Target {
  fn: string;
  kind: 'configuration' | 'code' | 'aliases' | 'versions' | 'function';
  alias: string | null;
}

function targetOf(url: string): Target | null {
  const m = PATH.exec(url);
  if (!m) return null;
  return {
    fn: nameOf(m[1] as string),
    kind: (m[2] as Target['kind'] | undefined) ?? 'function',
    alias: m[3] ? decodeURIComponent(m[3]) : null,
  };
}

export async function startRevisionProxy(target: string): Promise<RevisionProxy> {
  const to = new URL(target);
  const revisions = new Map<string, number>();
  // A UUID as AWS gives, the same for the same thing and write count (README's sample is stable).
  const rev = (key: string) => {
    const h = createHash('sha256')
      .update(`${key}#${revisions.get(key) ?? 1}`)
      .digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  const bump = (key: string) => revisions.set(key, (revisions.get(key) ?? 1) + 1);
  const state = { refused: 0, guarded: 0 };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? 'GET';
      const t = targetOf(req.url ?? '/');
      const isWrite =
        t !== null &&
        ((method === 'PUT' && (t.kind === 'configuration' || t.kind === 'code' || t.alias !== null)) ||
          (method === 'POST' && t.kind === 'aliases' && t.alias === null));
      let sentRevision: string | undefined;
      try {
        sentRevision = (JSON.parse(body.toString('utf8') || '{}') as { RevisionId?: string }).RevisionId;
      } catch {
        sentRevision = undefined;
      }
      const key = t ? (t.alias && method === 'PUT' ? `${t.fn}:${t.alias}` : t.fn) : '';
      if (isWrite && sentRevision !== undefined) {
        if (sentRevision !== rev(key)) {
          state.refused += 1;
          res.writeHead(412, {
            'content-type': 'application/json',
            'x-amzn-errortype': 'PreconditionFailedException',
          });
          res.end(
            JSON.stringify({
              Type: 'User',
              message:
                'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
            }),
          );
          return;
        }
        state.guarded += 1;
      }
      const headers = { ...req.headers };
      const [path = '/', query] = (req.url ?? '/').split('?');
      const byName =
        t !== null && (t.kind === 'versions' || (t.kind === 'aliases' && t.alias === null))
          ? path.replace(/\/functions\/[^/]+/, `/functions/${t.fn}`)
          : path;
      const forwarded = `${byName}${query === undefined ? '' : `?${query}`}`;
      const upstream = httpRequest(
        { hostname: to.hostname, port: to.port, method, path: forwarded, headers },
        (up) => {
          const out: Buffer[] = [];
          up.on('data', (c: Buffer) => out.push(c));
          up.on('end', () => {
            const status = up.statusCode ?? 502;
            let text = Buffer.concat(out).toString('utf8');
            if (t && status < 300) {
              if (isWrite) {
                const created = method === 'POST' ? JSON.parse(text || '{}').Name : null;
                bump(created ? `${t.fn}:${created}` : key);
              }
              text = withRevisions(text, t, rev);
            }
            const { 'content-length': _dropped, ...rest } = up.headers;
            res.writeHead(status, { ...rest, 'content-length': Buffer.byteLength(text) });
            res.end(text);
          });
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get refused() {
      return state.refused;
    },
    get guarded() {
      return state.guarded;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Puts the current revisions into an answer that carries one. */
function withRevisions(text: string, t: Target, rev: (key: string) => string): string {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return text;
  }
  if (t.kind === 'configuration' && typeof json.FunctionArn === 'string' && !/:\d+$/.test(json.FunctionArn))
    json.RevisionId = rev(t.fn);
  if (t.kind === 'aliases' && Array.isArray(json.Aliases))
    for (const a of json.Aliases as Record<string, unknown>[]) a.RevisionId = rev(`${t.fn}:${a.Name}`);
  if (t.kind === 'aliases' && typeof json.Name === 'string') json.RevisionId = rev(`${t.fn}:${json.Name}`);
  return JSON.stringify(json);
}
