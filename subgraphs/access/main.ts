import { runSubgraphMain } from '../kit/main';

// `node dist/subgraphs/access/main.js`: the access subgraph on its own (docker-compose, real deployments).
runSubgraphMain('access');
