// A real OpenID Connect provider (oidc-provider) for the identity-provider
// tests, run as its own process because the package is ES modules only and
// jest's runtime is CommonJS. Configured by OIDC_TEST_CONFIG (JSON):
//   { port, issuer, keys: [private JWKs], clients: [client ids], accounts: { sub: { email, email_verified } },
//     browserClient?: { clientId, redirectUris } }
// With browserClient, a browser can sign in: that client gets ID tokens by the
// implicit flow (response_type=id_token) and the provider shows its own
// development login form (any password) and consent page.
// Besides the provider's own routes (discovery, JWKS...), POST /test/id-token
// { accountId, clientId, expiresIn?, nonce? } has the provider issue an ID token for a
// configured account through its IdToken model: signed with its key set, as a
// sign-in would be, without a browser. It listens on loopback only and prints
// `listening <port>` once ready.
import http from 'node:http';
import process from 'node:process';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);

const clients = config.clients.map((clientId) => ({
  client_id: clientId,
  client_secret: `${clientId}-secret-that-is-long-enough-for-hs256-0123456789`,
  redirect_uris: ['http://127.0.0.1/callback'],
  id_token_signed_response_alg: config.keys[0].alg,
}));
if (config.browserClient) {
  clients.push({
    client_id: config.browserClient.clientId,
    // 'native' is what lets an implicit client come back to http://127.0.0.1 (web clients must use https there).
    application_type: 'native',
    grant_types: ['implicit'],
    response_types: ['id_token'],
    redirect_uris: config.browserClient.redirectUris,
    token_endpoint_auth_method: 'none',
    id_token_signed_response_alg: config.keys[0].alg,
  });
}

const provider = new Provider(config.issuer, {
  clients,
  jwks: { keys: config.keys },
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  findAccount: (_ctx, sub) => {
    const claims = config.accounts[sub];
    return claims ? { accountId: sub, claims: () => ({ sub, ...claims }) } : undefined;
  },
  features: { devInteractions: { enabled: Boolean(config.browserClient) } },
});

async function mintIdToken(request, response) {
  let body = '';
  for await (const chunk of request) body += chunk;
  const { accountId, clientId, expiresIn, nonce } = JSON.parse(body);
  const claims = config.accounts[accountId];
  const client = await provider.Client.find(clientId);
  if (!claims || !client) {
    response.writeHead(404).end();
    return;
  }
  const token = new provider.IdToken({ sub: accountId, ...claims }, { client });
  token.scope = 'openid email';
  if (nonce !== undefined) token.set('nonce', nonce);
  const expiresAt = expiresIn === undefined ? null : Math.floor(Date.now() / 1000) + expiresIn;
  const idToken = await token.issue({ use: 'idtoken', expiresAt });
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ idToken }));
}

const callback = provider.callback();
const server = http.createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/test/id-token') {
    mintIdToken(request, response).catch((error) => response.writeHead(500).end(String(error)));
    return;
  }
  callback(request, response);
});
server.listen(config.port, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
