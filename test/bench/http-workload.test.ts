/**
 * The bench's HTTP workload (bench/http/): both handlers answer every
 * request with the body the model computes, under concurrent load, and the
 * load generator's check catches a wrong body. Behaviour only, never speed.
 */
import { spawn, ChildProcess } from 'child_process';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { loadHandler } = require(path.join(ROOT, 'bench', 'http', 'load.js'));
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { expectedBody, answer } = require(path.join(ROOT, 'bench', 'http', 'workload.js'));

interface LoadResult {
  requests: number;
  checked: number;
  mismatches: number;
  firstMismatch?: string;
  errors: number;
}

/** closes a test server and every connection it still has */
const shut = (server: http.Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/** requests per load: each run ends after these, however slow the machine (or qemu) is */
const REQUESTS = 100;
/** a safety limit on one run, not a speed check */
const LIMIT_S = process.env.SWITCHYARD_EMULATED_NODE ? 600 : 60;

const load = (port: number, handler: string, n: number): Promise<LoadResult> =>
  loadHandler({ port, handler, n, seconds: LIMIT_S, maxRequests: REQUESTS, connections: 20 });

describe('bench/http/server.js', () => {
  let server: ChildProcess;
  let port: number;
  let said: { port: number; fiber: true | string };

  beforeAll(async () => {
    server = spawn(process.execPath, [path.join(ROOT, 'bench', 'http', 'server.js')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    said = await new Promise((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
      });
      server.on('exit', (code) => reject(new Error(`server.js exited (${code})`)));
    });
    port = said.port;
  });

  afterAll(() => {
    server?.stdin?.end();
  });

  it('loads the fiber handler (dist/lib and the addon are built)', () => {
    expect(said.fiber).toBe(true);
  });

  it.each([
    ['async', 3],
    ['fiber', 3],
    ['async', 30],
    ['fiber', 30],
  ])('the %s handler with N = %d answers every request with its own sum', async (handler, n) => {
    const r = await load(port, handler as string, n as number);
    expect(r.firstMismatch).toBeUndefined();
    expect(r.mismatches).toBe(0);
    expect(r.errors).toBe(0);
    expect(r.checked).toBeGreaterThanOrEqual(REQUESTS);
    expect(r.requests).toBe(r.checked);
  });

  it('exits when its stdin closes', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
    server.stdin!.end();
    expect(await exited).toBe(0);
  });
});

describe('the load generator check', () => {
  it('counts a body sent for another request, and one missing an answer, as mismatches', async () => {
    let served = 0;
    const liar = http.createServer((req, res) => {
      const m = /x=(\d+)/.exec(req.url ?? '');
      const x = Number(m?.[1]);
      served++;
      // every 5th answer is the neighbour's body, every 7th drops the last driver call
      if (served % 5 === 0) res.end(expectedBody(x + 1, 3));
      else if (served % 7 === 0) res.end(`${x}:${answer(x, 0) + answer(x, 1)}`);
      else res.end(expectedBody(x, 3));
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    try {
      const r = await load((liar.address() as AddressInfo).port, 'async', 3);
      expect(r.checked).toBeGreaterThanOrEqual(REQUESTS);
      expect(r.mismatches).toBeGreaterThan(0);
      expect(r.mismatches).toBeLessThan(r.checked);
      expect(r.firstMismatch).toMatch(/^\/async\/3\?x=\d+: status 200, body "\d+:\d+", expected "\d+:\d+"$/);
    } finally {
      await shut(liar);
    }
  });

  it('counts an error status as a mismatch', async () => {
    const failing = http.createServer((_req, res) => {
      res.statusCode = 500;
      res.end('error: boom');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const r = await load((failing.address() as AddressInfo).port, 'fiber', 30);
      expect(r.checked).toBeGreaterThan(0);
      expect(r.mismatches).toBe(r.checked);
      expect(r.firstMismatch).toContain('status 500');
    } finally {
      await shut(failing);
    }
  });
});
