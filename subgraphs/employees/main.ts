import { runSubgraphMain } from '../kit/main';

// `node dist/subgraphs/employees/main.js`: the employees subgraph on its own (docker-compose, real deployments).
runSubgraphMain('employees');
