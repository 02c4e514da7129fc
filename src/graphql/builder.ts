import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import TracingPlugin, { isRootField } from '@pothos/plugin-tracing';
import { createOpenTelemetryWrapper } from '@pothos/tracing-opentelemetry';
import { getTracer } from '../telemetry/tracing.ts';
import type { Context } from './context.ts';

const traced = createOpenTelemetryWrapper(getTracer(), {
  includeArgs: false,
  includeSource: false,
  onSpan: (span, _options, _parent, _args, _context, info) => span.updateName(`${info.parentType.name}.${info.fieldName}`),
});

/** The schema builder. Types live in schema/<domain>.ts; this file only configures. */
export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
}>({
  plugins: [TracingPlugin, ErrorsPlugin, RelayPlugin],
  // A span per root field (the resolvers of interest), never with arguments: they hold prompts.
  tracing: {
    default: (config) => isRootField(config),
    wrap: (resolver, options) => traced(resolver, options),
  },
  defaultFieldNullability: false,
  errors: { directResult: true },
  relay: { clientMutationId: 'omit', cursorType: 'String', nodeQueryOptions: false, nodesQueryOptions: false },
});
