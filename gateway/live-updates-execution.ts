import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';

/** What shared execution needs of a connection: the text of its operation (query, operation name and variables). */
export interface SharedOperation {
  operationKey: string;
}

/** An iterator over `source` mapped through `map`, whose return() reaches the source at once, even while it waits. */
function mapEvents<T, R>(source: AsyncIterator<T>, map: (value: T) => Promise<R>): AsyncGenerator<R> {
  const mapped = {
    async next(): Promise<IteratorResult<R>> {
      const result = await source.next();
      return result.done ? { value: undefined, done: true } : { value: await map(result.value), done: false };
    },
    async return(): Promise<IteratorResult<R>> {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(error: unknown): Promise<IteratorResult<R>> {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return mapped;
    },
  };
  return mapped as unknown as AsyncGenerator<R>;
}

/**
 * graphql-sse's `subscribe`, executing each event once per distinct
 * operation instead of once per client: an event's fields depend on the event
 * alone (who may see it was decided when the stream was made), so a thousand
 * clients with the same subscription share one result. Results of the last
 * `keptEvents` events are kept.
 */
export function sharedSubscribe<Context extends SharedOperation>(keptEvents = 256) {
  const results = new Map<unknown, Map<string, Promise<ExecutionResult>>>();
  const resultOf = (event: unknown, key: string, run: () => Promise<ExecutionResult>): Promise<ExecutionResult> => {
    let perEvent = results.get(event);
    if (!perEvent) {
      results.set(event, (perEvent = new Map()));
      if (results.size > keptEvents) results.delete(results.keys().next().value);
    }
    let result = perEvent.get(key);
    if (!result) perEvent.set(key, (result = run()));
    return result;
  };
  return async (args: ExecutionArgs & { contextValue: Context }) => {
    const source = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in source)) return source;
    const iterator = source[Symbol.asyncIterator]();
    const key = args.contextValue.operationKey;
    return mapEvents(iterator, (event) => resultOf(event, key, async () => execute({ ...args, rootValue: event })));
  };
}
