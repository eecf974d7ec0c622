# The Node.js services of docker-compose.yml (simulator, demo apps, the notifications renderer): the monorepo installed with npm ci
# and built with scripts/build.mjs, run as the unprivileged `node` user. One image, a command per service.
#   docker build -t genai-meter-node .
# Pinned: the Node 24 release the repository is tested with (packages need Node >= 22.15).
FROM node:24.21.0-bookworm-slim

ENV NODE_ENV=production \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

WORKDIR /app

# Manifests first so the dependency layer is cached across source changes.
COPY package.json package-lock.json ./
COPY packages/pricing/package.json packages/pricing/
COPY packages/simulator/package.json packages/simulator/
COPY packages/instrumentation-core/package.json packages/instrumentation-core/
COPY packages/instrumentation-openai/package.json packages/instrumentation-openai/
COPY packages/instrumentation-anthropic/package.json packages/instrumentation-anthropic/
COPY packages/instrumentation-google-genai/package.json packages/instrumentation-google-genai/
COPY packages/instrumentation-ai/package.json packages/instrumentation-ai/
COPY packages/openai-compat/v4/package.json packages/openai-compat/v4/
COPY packages/openai-compat/v5/package.json packages/openai-compat/v5/
COPY packages/openai-compat/v6/package.json packages/openai-compat/v6/
COPY packages/openai-compat/v7/package.json packages/openai-compat/v7/
COPY packages/openai-compat/neighbours/package.json packages/openai-compat/neighbours/
COPY packages/anthropic-compat/v0/package.json packages/anthropic-compat/v0/
COPY packages/anthropic-compat/v0-legacy/package.json packages/anthropic-compat/v0-legacy/
COPY packages/anthropic-compat/v1/package.json packages/anthropic-compat/v1/
COPY packages/ai-compat/v5/package.json packages/ai-compat/v5/
COPY packages/ai-compat/v6/package.json packages/ai-compat/v6/
COPY packages/ai-compat/v7/package.json packages/ai-compat/v7/
COPY packages/node/package.json packages/node/
COPY packages/mixin/package.json packages/mixin/
# Dev dependencies are needed to build (esbuild, typescript) and for the demo's openai client.
RUN npm ci --include=dev

COPY tsconfig.base.json tsconfig.json ./
COPY scripts/build.mjs scripts/
COPY packages packages
COPY examples examples
RUN node scripts/build.mjs pricing simulator instrumentation-openai node mixin
# Where the notifications service writes its rendered configs (named volumes take this owner).
RUN mkdir -p /app/notifications/alertmanager /app/notifications/grafana-alerting && chown -R node:node /app/notifications

USER node
# Overridden per service in docker-compose.yml.
CMD ["node", "packages/simulator/dist/cli.js", "--help"]
