import type { z as Zod } from 'zod';

/**
 * The `openTelemetry` option's types and schema. Kept apart from the telemetry code, which imports `@opentelemetry/api`
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

const hasMethod = (name: string) => (v: unknown) =>
  typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[name] === 'function';

/** The option's schema, for producers and consumers alike (built with the lazily loaded zod). */
export function openTelemetryOptionSchema(z: typeof Zod) {
  return z
    .union([
      z.boolean(),
      z.strictObject({
        tracerProvider: z.custom<TracerProviderLike>(hasMethod('getTracer'), { error: 'expected a TracerProvider' }).optional(),
        meterProvider: z.custom<MeterProviderLike>(hasMethod('getMeter'), { error: 'expected a MeterProvider' }).optional(),
      }),
    ])
    .default(false);
}
