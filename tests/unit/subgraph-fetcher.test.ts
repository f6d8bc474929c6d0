import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { keepAliveFetcher } from '../../gateway/subgraph-fetcher';

describe('keepAliveFetcher', () => {
  let server: http.Server;
  let url: string;
  const subgraph = keepAliveFetcher({ connections: 2 });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        res.statusCode = req.url === '/down' ? 503 : 200;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Cache-Control', ['max-age=30', 'private']);
        res.end(JSON.stringify({ data: { echo: JSON.parse(body) as unknown, header: req.headers['x-fluxo-context'] ?? null, name: 'Zoë' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await subgraph.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers with the status, the headers by any case (repeated ones joined) and the body, as text or parsed', async () => {
    const answer = await subgraph.fetcher(`${url}/graphql`, { method: 'POST', headers: { 'X-Fluxo-Context': 'signed' }, body: '{"query":"{ a }"}' });
    expect(answer.ok).toBe(true);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('Cache-Control')).toBe('max-age=30, private');
    expect(answer.headers.has('x-missing')).toBe(false);
    expect(answer.headers.get('x-missing')).toBeNull();
    const expected = { data: { echo: { query: '{ a }' }, header: 'signed', name: 'Zoë' } };
    expect(await answer.json()).toEqual(expected);
    expect(JSON.parse(await answer.clone().text())).toEqual(expected);
    expect(JSON.parse(Buffer.from(await answer.arrayBuffer()).toString('utf8'))).toEqual(expected);
  });

  it('says an answer outside 2xx is not ok', async () => {
    const answer = await subgraph.fetcher(`${url}/down`, { method: 'POST', body: '{}' });
    expect(answer.ok).toBe(false);
    expect(answer.status).toBe(503);
  });
});
