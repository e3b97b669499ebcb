/**
 * `@opentelemetry/api` is an optional peer dependency: it is required on first use only (never at import),
 * and its absence is an answer, not an error. Types come from it at compile time only.
 */
import { createRequire } from 'node:module';
import type * as OTelApi from '@opentelemetry/api';

export type OpenTelemetryApi = typeof OTelApi;

const MODULE_NAME = '@opentelemetry/api';
let loaded: OpenTelemetryApi | null | undefined;

/** The installed API, or undefined when it cannot be loaded. Cached after the first call. */
export function loadOpenTelemetryApi(): OpenTelemetryApi | undefined {
  if (loaded === undefined) {
    try {
      // The CommonJS build (which has __filename) uses its own require; the ES module build, where a
      // bundled `require` is only a throwing shim, resolves from the working directory.
      const load = typeof __filename === 'string' ? require : createRequire(`${process.cwd()}/`);
      loaded = load(MODULE_NAME) as OpenTelemetryApi;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
