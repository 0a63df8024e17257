export { INSTRUMENTATION_SCOPE, type OtelSinkOptions, otelSink } from './otel-sink.js';
