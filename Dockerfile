# One image for every Fluxo service; docker-compose.yml (or your orchestrator)
# picks the process with the command:
#   node dist/gateway/main.js            the gateway
#   node dist/subgraphs/<name>/main.js   one subgraph
#   node dist/cli/main.js migrate        the control-plane migrations (one-shot)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Read at run time next to dist/: the composed supergraph and each subgraph's SDL.
COPY --from=build --chown=node:node /app/schema ./schema
COPY --from=build --chown=node:node /app/subgraphs ./subgraphs
USER node
CMD ["node", "dist/gateway/main.js"]
