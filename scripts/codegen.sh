#!/usr/bin/env bash
# Runs graphql-codegen for every subgraph's own config, then for the client operations.
set -euo pipefail
cd "$(dirname "$0")/.."
# The enum ModuleName comes from platform/modules.ts; every subgraph's codegen reads it.
npx tsx scripts/module-name-sdl.ts
for config in subgraphs/*/codegen.yml; do
  npx graphql-codegen --config "$config" --silent >/dev/null
done
npx graphql-codegen --config codegen.yml --silent >/dev/null
npx tsx scripts/persisted-manifest.ts >/dev/null
