/**
 * An HTTP proxy in front of moto that fails chosen requests a given number of times (throttling,
 * 5xx), then forwards them: the SDK's retry policy is exercised over real HTTP.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';

export interface Fault {
  /** Which requests to fail (method, path and body are available). */
  match: (req: {
    method: string;
    path: string;
    body: string;
    headers: IncomingMessage['headers'];
  }) => boolean;
  times: number;
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FlakyProxy {
  endpoint: string;
  failed: number;
  forwarded: number;
  faults: Fault[];
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const to = new URL(target);
  const state = { failed: 0, forwarded: 0, faults: [] as Fault[] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const info = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        body: body.toString('utf8'),
        headers: req.headers,
      };
      const fault = state.faults.find((f) => f.times > 0 && f.match(info));
      if (fault) {
        fault.times -= 1;
        state.failed += 1;
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? '');
        return;
      }
      state.forwarded += 1;
      const upstream = httpRequest(
        { hostname: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get failed() {
      return state.failed;
    },
    get forwarded() {
      return state.forwarded;
    },
    faults: state.faults,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Answers AssumeRole into `roleArn` as AWS does when the role is missing or its trust policy does
 * not name the caller (moto would assume any role: "the role does not need to exist").
 */
export function denyAssumeRole(proxy: FlakyProxy, roleArn: string, times = 1000): void {
  proxy.faults.push({
    match: (r) => r.body.includes('Action=AssumeRole') && r.body.includes(encodeURIComponent(roleArn)),
    times,
    status: 403,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
  });
}
