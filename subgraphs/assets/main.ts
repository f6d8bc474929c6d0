import { runSubgraphMain } from '../kit/main';

// `node dist/subgraphs/assets/main.js`: the assets subgraph on its own (docker-compose, real deployments).
runSubgraphMain('assets');
