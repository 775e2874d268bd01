# The shiplog app (Probot) as a container: `docker build -t shiplog-app .` after `npm run build`
# (dist/ is committed, so a clean clone builds as is). Two stages: production dependencies only,
# then a small runtime image that runs the bundled dist/app.js as the unprivileged `node` user.

FROM node:24-alpine AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# dist/app.js is self-contained (bundled) and package.json declares no runtime dependency, so this
# installs nothing today; it stays so that one declared later is in the image. No install scripts.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:24-alpine
# git: the app reads and appends ledgers with it (argument arrays, no shell); tini: PID 1 that
# passes SIGTERM on, so a stopping container finishes its webhooks and jobs
RUN apk add --no-cache git tini \
  && mkdir -p /var/cache/shiplog && chown node:node /var/cache/shiplog
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    PORT=3000 \
    SHIPLOG_CACHE_DIR=/var/cache/shiplog
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY dist/app.js dist/verify-worker.js ./dist/
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://127.0.0.1:3000/healthz >/dev/null || exit 1
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["node", "dist/app.js"]
