# syntax=docker/dockerfile:1
# trailhound as a container: `docker run trailhound analyze s3://… --every 15m`.
# Three stages: the TypeScript build (dev dependencies), the production dependencies alone, and a
# slim runtime that gets only dist/, production node_modules, queries/, samples/ and the
# docker/ helper scripts, running as an unprivileged user.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY parsers ./parsers
COPY detectors ./detectors
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system --gid 10001 trailhound \
 && useradd --system --uid 10001 --gid trailhound --home-dir /home/trailhound --create-home --shell /usr/sbin/nologin trailhound
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY queries ./queries
COPY samples ./samples
COPY docker/seed.mjs ./docker/seed.mjs
RUN chmod 0755 dist/src/cli.js && ln -s /app/dist/src/cli.js /usr/local/bin/trailhound
# Local state (when --state is a directory) lives in the user's home, never in the image.
WORKDIR /home/trailhound
USER 10001:10001
ENTRYPOINT ["trailhound"]
CMD ["--help"]
