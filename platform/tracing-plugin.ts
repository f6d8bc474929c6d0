import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { annotateRequest, type RequestTraceAttributes } from './tracing';

/**
 * Names each GraphQL request on its trace: tenant, module and request id once
 * the context is known, the operation name once it is resolved. Servers add it
 * only when tracing is on (see ./tracing), so tracing off costs not even a hook.
 */
export function requestTracingPlugin<Ctx extends BaseContext>(describe: (context: Ctx) => RequestTraceAttributes): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart({ contextValue }) {
      annotateRequest(describe(contextValue));
      return {
        async didResolveOperation({ operationName }) {
          annotateRequest({ operationName });
        },
      };
    },
  };
}
