import { runSubgraphMain } from '../kit/main';

// `node dist/subgraphs/finance/main.js`: the finance subgraph on its own (docker-compose, real deployments).
runSubgraphMain('finance');
