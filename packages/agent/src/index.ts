/**
 * @wanwatch/agent — the `wanwatch` daemon and CLI: the YAML config and its
 * schema, the platform factory, logging, hooks, the control service and its
 * Unix socket transport. The CLI is `dist/cli/main.js`; this module exports
 * the pieces for embedding and for the HTTP API of a later release.
 */
export * from './config/index.js';
