/**
 * Contender F, the floor: no gateway. For each request it makes exactly the
 * subgraph fetches of our gateway's query plan for that query (read from our
 * gateway with FLUXO_EXPOSE_QUERY_PLAN=1 and the apollo-query-plan-experimental
 * header by run.ts), in the plan's order, with the same signed context, over
 * undici keep-alive pools, and merges the subgraphs' answers into one `data`.
 * No parsing, validation, planning or response shaping beyond that merge: what
 * any gateway must at least spend on the subgraph round trips. Its answers
 * keep the plan's key fields (__typename, ids), so run.ts checks them for the
 * right company's data but not for equality with the gateways' answers.
 */
import http from 'node:http';
import { Agent, request } from 'undici';
import { CONTEXT_HEADER } from '../../platform/tenant-context';
import { contextSigner, readSettings, reportReady } from './callers';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** A node of a query plan in the gateway's internal format: the kinds our plans use. */
interface PlanNode {
  kind: 'Sequence' | 'Parallel' | 'Flatten' | 'Fetch';
  nodes?: PlanNode[];
  node?: PlanNode;
  path?: string[];
  serviceName?: string;
  operation?: string;
  requires?: Selection[];
}

interface Selection {
  kind: 'Field' | 'InlineFragment';
  name?: string;
  typeCondition?: string;
  selections?: Selection[];
}

interface Answer {
  data?: JsonObject | null;
  errors?: Json[];
}

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Merges `from` into `into` in place: objects field by field, lists element by element. */
function merge(into: JsonObject, from: JsonObject): void {
  for (const [field, value] of Object.entries(from)) {
    const existing = into[field];
    if (isObject(existing) && isObject(value)) merge(existing, value);
    else if (Array.isArray(existing) && Array.isArray(value)) existing.forEach((e, i) => isObject(e) && isObject(value[i]) && merge(e, value[i] as JsonObject));
    else into[field] = value;
  }
}

/** The objects at a Flatten path ('@' steps into every element of a list). */
function objectsAt(data: JsonObject, path: readonly string[]): JsonObject[] {
  let current: Json[] = [data];
  for (const step of path) {
    const next: Json[] = [];
    for (const value of current) {
      if (step === '@') {
        if (Array.isArray(value)) next.push(...value);
      } else if (isObject(value) && value[step] !== undefined) next.push(value[step]!);
    }
    current = next;
  }
  return current.filter(isObject);
}

/** An entity's representation: the fields the fetch requires, for the entity's type. */
function project(entity: Json, selections: readonly Selection[]): Json {
  if (Array.isArray(entity)) return entity.map((e) => project(e, selections));
  if (!isObject(entity)) return entity;
  const out: JsonObject = {};
  for (const s of selections) {
    if (s.kind === 'InlineFragment') {
      if (!s.typeCondition || entity.__typename === s.typeCondition) Object.assign(out, project(entity, s.selections ?? []) as JsonObject);
    } else if (entity[s.name!] !== undefined) {
      out[s.name!] = s.selections ? project(entity[s.name!]!, s.selections) : entity[s.name!]!;
    }
  }
  return out;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const contextOf = contextSigner(settings);
  const plans = new Map(Object.entries(settings.plans ?? {}) as [string, { node: PlanNode }][]);
  const dispatcher = new Agent({ connections: 32, keepAliveTimeout: 30_000, pipelining: 1 });

  const fetchFrom = async (service: string, query: string, variables: JsonObject, context: string): Promise<Answer> => {
    const response = await request(settings.subgraphUrls[service]!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: context },
      body: JSON.stringify({ query, variables }),
      dispatcher,
    });
    return (await response.body.json()) as Answer;
  };

  const execute = async (node: PlanNode, data: JsonObject, errors: Json[], context: string, path: readonly string[]): Promise<void> => {
    switch (node.kind) {
      case 'Sequence':
        for (const child of node.nodes!) await execute(child, data, errors, context, path);
        return;
      case 'Parallel':
        await Promise.all(node.nodes!.map((child) => execute(child, data, errors, context, path)));
        return;
      case 'Flatten':
        return execute(node.node!, data, errors, context, node.path!);
      case 'Fetch': {
        if (!node.requires) {
          const answer = await fetchFrom(node.serviceName!, node.operation!, {}, context);
          if (answer.errors) errors.push(...answer.errors);
          if (answer.data) merge(data, answer.data);
          return;
        }
        // One representation per distinct entity, as the gateway sends them.
        const entities = objectsAt(data, path);
        const distinct = new Map<string, { representation: Json; targets: JsonObject[] }>();
        for (const entity of entities) {
          const representation = project(entity, node.requires);
          const key = JSON.stringify(representation);
          const entry = distinct.get(key);
          if (entry) entry.targets.push(entity);
          else distinct.set(key, { representation, targets: [entity] });
        }
        if (distinct.size === 0) return;
        const list = [...distinct.values()];
        const answer = await fetchFrom(node.serviceName!, node.operation!, { representations: list.map((e) => e.representation) }, context);
        if (answer.errors) errors.push(...answer.errors);
        const results = (answer.data?._entities ?? []) as Json[];
        list.forEach((entry, i) => {
          const result = results[i];
          if (isObject(result)) for (const target of entry.targets) merge(target, result);
        });
        return;
      }
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const { query } = JSON.parse(Buffer.concat(chunks).toString()) as { query: string };
      const plan = plans.get(query);
      const context = contextOf(req.headers);
      if (!plan || !context) return reply(400, { errors: [{ message: 'not a query or token of the bench' }] });
      const data: JsonObject = {};
      const errors: Json[] = [];
      context
        .then((signed) => execute(plan.node, data, errors, signed, []))
        .then(
          () => reply(200, errors.length > 0 ? { data, errors } : { data }),
          (error: unknown) => reply(500, { errors: [{ message: String(error) }] }),
        );
    });
  });
  server.keepAliveTimeout = 30_000;
  server.listen(settings.port, '127.0.0.1', () => reportReady(`http://127.0.0.1:${settings.port}/graphql`));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
