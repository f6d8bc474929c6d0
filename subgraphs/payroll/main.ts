import { runSubgraphMain } from '../kit/main';

// `node dist/subgraphs/payroll/main.js`: the payroll subgraph on its own (docker-compose, real deployments).
runSubgraphMain('payroll');
