import type * as OtelApi from '@opentelemetry/api';
import type * as OtelCore from '@opentelemetry/core';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as Instrumentation from '@opentelemetry/instrumentation';
import type * as ExpressInstrumentation from '@opentelemetry/instrumentation-express';
import type * as GraphQLInstrumentation from '@opentelemetry/instrumentation-graphql';
import type * as HttpInstrumentation from '@opentelemetry/instrumentation-http';
import type * as PgInstrumentation from '@opentelemetry/instrumentation-pg';
import type * as UndiciInstrumentation from '@opentelemetry/instrumentation-undici';
import type * as Resources from '@opentelemetry/resources';
import type { ReadableSpan, Span as SdkSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type * as SdkTraceNode from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry traces of a Fluxo process, sent over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/tracing.md). Unset, nothing is
 * registered and not one OpenTelemetry SDK module is loaded: every helper here
 * returns at once, so tracing off costs nothing.
 *
 * Two steps, because the instrumentations patch `http`, `express`, `graphql`
 * and `pg` as they are required: instrumentProcess runs first thing in each
 * entry point (./tracing-boot), startTracing registers the provider once the
 * process knows its service name (./process runService).
 */

type Api = typeof OtelApi;
export interface TracingSettings {
  /** The collector's base URL; the exporter adds `/v1/traces`. Null: no tracing. */
  endpoint: string | null;
}

/** Set once the instrumentations are on; null means tracing is off. */
let api: Api | null = null;
let core: typeof OtelCore | null = null;
let endpoint: string | null = null;
let provider: { shutdown: () => Promise<void> } | null = null;

/** The SDK's packages are loaded only when tracing is on. */
function load<T>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(name) as T;
}

export function tracingOn(): boolean {
  return api !== null;
}

/** Paths that are polled all day and say nothing about a request. */
const UNTRACED_PATHS = /^\/(health|ready|metrics)(\/|\?|$)/;

/**
 * Turns the instrumentations on. Must run before the instrumented packages
 * are first required; does nothing when no endpoint is set.
 */
export function instrumentProcess(settings: TracingSettings): void {
  if (!settings.endpoint || api) return;
  endpoint = settings.endpoint;
  api = load<Api>('@opentelemetry/api');
  core = load<typeof OtelCore>('@opentelemetry/core');
  const { registerInstrumentations } = load<typeof Instrumentation>('@opentelemetry/instrumentation');
  const { HttpInstrumentation: Http } = load<typeof HttpInstrumentation>('@opentelemetry/instrumentation-http');
  const { UndiciInstrumentation: Undici } = load<typeof UndiciInstrumentation>('@opentelemetry/instrumentation-undici');
  const { ExpressInstrumentation: Express, ExpressLayerType } = load<typeof ExpressInstrumentation>('@opentelemetry/instrumentation-express');
  const { GraphQLInstrumentation: GraphQL } = load<typeof GraphQLInstrumentation>('@opentelemetry/instrumentation-graphql');
  const { PgInstrumentation: Pg } = load<typeof PgInstrumentation>('@opentelemetry/instrumentation-pg');
  registerInstrumentations({
    instrumentations: [
      // No headers are recorded (no headersToSpanAttributes): authorization, x-api-key, cookies and the signed context stay out.
      new Http({ ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.test(req.url ?? '') }),
      // The gateway's subgraph fetches (undici's pool) and the probes of subgraphs' /ready.
      new Undici({ ignoreRequestHook: (req) => UNTRACED_PATHS.test(req.path) }),
      // Routers and request handlers; the many small middlewares would only add noise.
      new Express({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      // Parse, validate and execute; one span per resolver would outnumber everything else. Literal values are masked (allowValues off).
      new GraphQL({ ignoreResolveSpans: true, allowValues: false, mergeItems: true }),
      // Statements only inside a traced unit of work (not the worker's polling); never their parameters, which may be personal data.
      new Pg({ requireParentSpan: true, enhancedDatabaseReporting: false }),
    ],
  });
}

/** Registers the tracer provider that exports this process's spans as `service`. Does nothing when tracing is off. */
export function startTracing(service: string, settings: TracingSettings): void {
  instrumentProcess(settings);
  if (!api || provider || !endpoint) return;
  const { NodeTracerProvider, BatchSpanProcessor } = load<typeof SdkTraceNode>('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = load<typeof OtlpHttp>('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = load<typeof Resources>('@opentelemetry/resources');
  const tracerProvider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    // The request attributes and the scrubbing run before the batch is queued for export.
    spanProcessors: [new RequestSpanProcessor(), new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }))],
  });
  tracerProvider.register();
  provider = tracerProvider;
}

/** How long a stopping process waits for its last spans to reach the collector. */
const FLUSH_MILLIS = 3_000;

/** Sends the spans still queued; called when the process stops. A collector that is gone never holds the stop up. */
export async function stopTracing(): Promise<void> {
  if (!provider) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, FLUSH_MILLIS);
  });
  await Promise.race([provider.shutdown().catch(() => undefined), late]);
  clearTimeout(timer);
}

// ---- what spans carry ------------------------------------------------------

/** What a request is about, on its spans. Never a key, a token or personal data. */
export interface RequestTraceAttributes {
  /** The tenant's company id (never its name). */
  tenant?: string | null;
  module?: string | null;
  operationName?: string | null;
  requestId?: string | null;
}

function attributesOf(values: RequestTraceAttributes): OtelApi.Attributes {
  const attributes: OtelApi.Attributes = {};
  if (values.tenant) attributes['fluxo.tenant'] = values.tenant;
  if (values.module) attributes['fluxo.module'] = values.module;
  if (values.operationName) attributes['graphql.operation.name'] = values.operationName;
  if (values.requestId) attributes['fluxo.request_id'] = values.requestId;
  return attributes;
}

/** Request attributes by trace id, with the local root spans they were set on: spans started later in the trace get them too. */
const requests = new Map<string, { attributes: OtelApi.Attributes; roots: Set<string> }>();
/** A root that never ends must not grow the map without bound. */
const MAX_TRACKED_REQUESTS = 10_000;

/**
 * Names the request being served on its spans: the server span of the
 * request, the active span, and every span started after in this process.
 */
export function annotateRequest(values: RequestTraceAttributes): void {
  if (!api || !core) return;
  const attributes = attributesOf(values);
  const active = api.trace.getActiveSpan();
  const root = core.getRPCMetadata(api.context.active())?.span ?? active;
  if (!root) return;
  root.setAttributes(attributes);
  if (active && active !== root) active.setAttributes(attributes);
  const { traceId, spanId } = root.spanContext();
  const known = requests.get(traceId);
  if (known) {
    Object.assign(known.attributes, attributes);
    known.roots.add(spanId);
  } else if (requests.size < MAX_TRACKED_REQUESTS) {
    requests.set(traceId, { attributes, roots: new Set([spanId]) });
  }
}

/** Attribute names that may carry a credential. */
const SECRET_NAME = /authorization|cookie|api[-_.]?key|token|secret|password|x-fluxo/i;
/** Attributes that would identify a person: their address and browser. */
const PERSONAL = new Set(['client.address', 'http.client_ip', 'net.peer.ip', 'network.peer.address', 'user_agent.original', 'http.user_agent', 'url.query']);
/** URLs keep their path; a query string may hold anything. */
const URLS = new Set(['http.url', 'url.full', 'http.target']);

/**
 * Removes what must never leave the process, whichever instrumentation set it
 * (a second line behind their configuration above).
 */
export function scrubAttributes(attributes: OtelApi.Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (SECRET_NAME.test(name) || PERSONAL.has(name)) delete attributes[name];
    else if (URLS.has(name) && typeof value === 'string' && value.includes('?')) attributes[name] = value.slice(0, value.indexOf('?'));
  }
}

class RequestSpanProcessor implements SpanProcessor {
  onStart(span: SdkSpan): void {
    const request = requests.get(span.spanContext().traceId);
    if (request) span.setAttributes(request.attributes);
  }

  onEnd(span: ReadableSpan): void {
    // The SDK's span keeps its attributes in a plain object; this runs before any exporter sees it.
    scrubAttributes(span.attributes as OtelApi.Attributes);
    const { traceId, spanId } = span.spanContext();
    const request = requests.get(traceId);
    if (request?.roots.delete(spanId) && request.roots.size === 0) requests.delete(traceId);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

// ---- spans of Fluxo's own work (the outbox) ---------------------------------

export interface SpanOptions {
  kind: 'producer' | 'consumer' | 'internal';
  /** A new trace rather than a child of the active span. */
  root?: boolean;
  /** A W3C traceparent this span follows from (a link, not a parent): the request that wrote an event. */
  linkTo?: string | null;
  attributes?: OtelApi.Attributes;
}

/** The span context a stored traceparent names, or null. */
function spanContextOf(traceparent: string): OtelApi.SpanContext | null {
  if (!api) return null;
  const context = api.propagation.extract(api.ROOT_CONTEXT, { traceparent });
  const spanContext = api.trace.getSpanContext(context);
  return spanContext && api.isSpanContextValid(spanContext) ? spanContext : null;
}

/** Runs `work` inside a span (straight away when tracing is off). A failure marks the span with the error's type only: messages may quote data. */
export async function inSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T> {
  if (!api) return work();
  const otel = api;
  const kind = { producer: otel.SpanKind.PRODUCER, consumer: otel.SpanKind.CONSUMER, internal: otel.SpanKind.INTERNAL }[options.kind];
  const linked = options.linkTo ? spanContextOf(options.linkTo) : null;
  const tracer = otel.trace.getTracer('fluxo');
  return tracer.startActiveSpan(
    name,
    { kind, root: options.root ?? false, links: linked ? [{ context: linked }] : [], attributes: options.attributes },
    async (span) => {
      try {
        return await work();
      } catch (error) {
        markFailed(error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Marks the active span as failed, naming the error's type. */
export function markFailed(error: unknown): void {
  const span = api?.trace.getActiveSpan();
  if (!span || !api) return;
  span.setAttribute('error.type', error instanceof Error ? error.name : typeof error);
  span.setStatus({ code: api.SpanStatusCode.ERROR });
}

/** The W3C traceparent of the active span, to store with what outlives the request (an outbox event); null when tracing is off. */
export function activeTraceparent(): string | null {
  if (!api) return null;
  const carrier: Record<string, string> = {};
  api.propagation.inject(api.context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** A pino mixin adding the active trace and span ids to each log line; undefined (no mixin at all) when tracing is off. */
export function traceLogFields(): (() => { traceId?: string; spanId?: string }) | undefined {
  if (!api) return undefined;
  const otel = api;
  return () => {
    const context = otel.trace.getActiveSpan()?.spanContext();
    return context && otel.isSpanContextValid(context) ? { traceId: context.traceId, spanId: context.spanId } : {};
  };
}
