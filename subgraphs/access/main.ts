import { runSubgraphMain } from '../kit/main';
import { manifest } from './manifest';
import { createSubgraph } from './subgraph';

// `node dist/subgraphs/access/main.js`: the access subgraph on its own (docker-compose, real deployments).
runSubgraphMain(manifest, createSubgraph);
