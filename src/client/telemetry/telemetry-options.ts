/**
 * The `openTelemetry` option's types. Kept apart from the telemetry code, which imports `@opentelemetry/api`
 * types: public option types must compile for users who have not installed that optional peer dependency.
 */

/** Structural stand-ins, so the public option types do not need `@opentelemetry/api` installed. */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): unknown;
}
export interface MeterProviderLike {
  getMeter(name: string, version?: string): unknown;
}

/** `true`: the global providers; an object: these providers (either may be left to the global one). */
export type OpenTelemetryOption = boolean | { tracerProvider?: TracerProviderLike; meterProvider?: MeterProviderLike };
