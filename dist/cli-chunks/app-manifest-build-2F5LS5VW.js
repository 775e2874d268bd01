#!/usr/bin/env node
import { createRequire as __shiplogCreateRequire } from 'node:module';
const require = __shiplogCreateRequire(import.meta.url);
import {
  require_dist
} from "./chunk-EMHQIBOL.js";
import {
  ShiplogError,
  __toESM
} from "./chunk-KB55KBSJ.js";

// src/cli/commands/app-manifest-build.ts
var import_yaml = __toESM(require_dist(), 1);
function httpsUrl(flag, value) {
  let u;
  try {
    u = new URL(value);
  } catch {
    throw new ShiplogError("USAGE", `${flag} must be a URL (got "${value}")`);
  }
  if (u.protocol !== "https:" && !(u.protocol === "http:" && ["localhost", "127.0.0.1"].includes(u.hostname)))
    throw new ShiplogError("USAGE", `${flag} must be an https URL (got "${value}")`);
  return u.toString();
}
function buildManifest(appYml, o) {
  const doc = (0, import_yaml.parse)(appYml);
  const manifest = {
    ...doc,
    ...o.name ? { name: o.name } : {},
    ...o.url ? { url: httpsUrl("--url", o.url) } : {},
    hook_attributes: {
      ...doc.hook_attributes ?? {},
      url: httpsUrl("--webhook-url", o.webhookUrl),
      active: true
    },
    ...o.redirectUrl ? { redirect_url: httpsUrl("--redirect-url", o.redirectUrl) } : {},
    ...o.setupUrl ? { setup_url: httpsUrl("--setup-url", o.setupUrl) } : {},
    ...o.public !== void 0 ? { public: o.public } : {}
  };
  return manifest;
}
export {
  buildManifest
};
