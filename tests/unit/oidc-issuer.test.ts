import { claimedProvider, issuerUrlProblem } from '../../platform/oidc';

describe('which issuers a company may name', () => {
  it.each(['https://idp.example.com', 'https://idp.example.com/realms/acme', 'https://127.0.0.1:8443'])('accepts %s', (issuer) => {
    expect(issuerUrlProblem(issuer, false)).toBeNull();
  });

  it.each(['http://127.0.0.1:9000', 'http://localhost:9000', 'http://[::1]:9000', 'http://127.8.9.10'])(
    'accepts loopback %s only when http is allowed',
    (issuer) => {
      expect(issuerUrlProblem(issuer, true)).toBeNull();
      expect(issuerUrlProblem(issuer, false)).toBe('must be https://');
    },
  );

  it.each([
    ['http://idp.example.com', 'must be https:// (http:// only on a loopback address)'],
    ['http://10.0.0.5', 'must be https:// (http:// only on a loopback address)'],
    ['http://127.0.0.1.example.com', 'must be https:// (http:// only on a loopback address)'],
    ['ftp://127.0.0.1', 'must be https:// (http:// only on a loopback address)'],
    ['https://user:secret@idp.example.com', 'must not carry credentials'],
    ['https://idp.example.com/?tenant=1', 'must have no query or fragment'],
    ['idp.example.com', 'must be an absolute URL'],
  ])('refuses %s even where http is allowed', (issuer, problem) => {
    expect(issuerUrlProblem(issuer, true)).toBe(problem);
  });
});

describe('which tokens claim to come from a provider', () => {
  const jwt = (claims: object) => `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

  it('reads the issuer and audiences of a token whose issuer is a URL', () => {
    expect(claimedProvider(jwt({ iss: 'https://idp.example.com', aud: 'acme' }))).toEqual({ issuer: 'https://idp.example.com', audiences: ['acme'] });
    expect(claimedProvider(jwt({ iss: 'https://idp.example.com', aud: ['acme', 7, 'api'] }))).toEqual({
      issuer: 'https://idp.example.com',
      audiences: ['acme', 'api'],
    });
  });

  it('leaves our own access tokens and anything undecodable to the session verifier', () => {
    expect(claimedProvider(jwt({ iss: 'fluxo', aud: 'fluxo-api' }))).toBeNull();
    expect(claimedProvider('not.a.jwt')).toBeNull();
  });
});
