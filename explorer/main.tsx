/**
 * The explorer: GraphiQL bundled into the gateway's own assets, so it works
 * where Apollo Sandbox cannot (no network to Apollo's CDN). It talks to the
 * same origin's /graphql with whatever the headers editor holds.
 */
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import 'graphiql/graphiql.css';
import './explorer.css';

// A placeholder, not a credential: the caller pastes an access key or a personal token (README, "The explorer").
const HEADERS_PLACEHOLDER = JSON.stringify({ Authorization: 'Bearer <your key or personal token>' }, null, 2);

const FIRST_QUERY = `# Put your key or personal token in Headers below, then run this.
{
  me {
    company {
      slug
    }
  }
}
`;

const sameOrigin = createGraphiQLFetcher({ url: new URL('/graphql', window.location.origin).toString() });

/**
 * Sends the headers as written, except an Authorization still holding the
 * placeholder: the gateway refuses a malformed one, and without it the schema
 * (introspection, anonymous while the sandbox is on) loads on first visit.
 */
const fetcher: Fetcher = (params, options) => sameOrigin(params, { ...options, headers: withoutPlaceholder(options?.headers) });

function withoutPlaceholder(headers: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!headers) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name, value]) => !(name.toLowerCase() === 'authorization' && String(value).includes('<'))));
}

function Explorer() {
  return (
    <div className="fluxo-explorer">
      <header className="fluxo-explorer__bar">
        <strong>Fluxo explorer</strong>
        <a href="/graphql" target="_blank" rel="noopener">
          Open Apollo Sandbox
        </a>
      </header>
      <div className="fluxo-explorer__ide">
        <GraphiQL
          fetcher={fetcher}
          defaultQuery={FIRST_QUERY}
          defaultHeaders={HEADERS_PLACEHOLDER}
          isHeadersEditorEnabled
          shouldPersistHeaders
          defaultEditorToolsVisibility="headers"
        />
      </div>
    </div>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('explorer: no #root element in index.html');
createRoot(root).render(<Explorer />);
