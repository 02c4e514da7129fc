import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CIRCUIT_STATE_VALUE, type CircuitState } from '../generation/circuit-breaker.ts';
import { PROVIDER_IDS } from '../generation/provider-ids.ts';
import { ERROR_CLASSES } from '../generation/provider.ts';
import { STYLES } from '../generation/styles.ts';
import { THEMES } from '../generation/themes.ts';
import { traceExemplar } from './open-metrics.ts';

/** Bucket boundaries from the OpenTelemetry GenAI semantic conventions. */
export const GEN_AI_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
export const GEN_AI_TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

const KINDS = new Set(['image', 'video', 'text']);
const STATUSES = new Set(['succeeded', 'failed', 'rejected', 'rate_limited', 'cancelled']);
const JOB_STATES = new Set(['queued', 'running', 'succeeded', 'failed', 'rejected', 'cancelled']);
/** Seconds a job waits for a worker: from instant to the minutes a busy video queue takes. */
const QUEUE_WAIT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
const STYLE_IDS = new Set([...STYLES.map((style) => style.id), 'none']);
const THEME_IDS = new Set<string>(THEMES);
/** From the one provider list: a provider the registry can build always has its own label. */
const PROVIDERS = new Set<string>([...PROVIDER_IDS, 'none']);
const ERROR_TYPES = new Set<string>(ERROR_CLASSES);
const FEEDBACK_KINDS = new Set(['rating_up', 'rating_down', 'text']);

/** Every label value comes from a fixed set; anything else is `other`, so series stay bounded. */
export function bounded(value: string | null | undefined, allowed: ReadonlySet<string>): string {
  return value != null && allowed.has(value) ? value : 'other';
}

export interface GenerationObservation {
  kind: string;
  style: string;
  theme: string;
  status: string;
  provider: string;
  /** The request model, from configuration: a bounded set per deployment. */
  model: string;
  operation: string;
  durationSeconds?: number | undefined;
  errorType?: string | null | undefined;
  inputTokens?: number | null | undefined;
  outputTokens?: number | null | undefined;
  costUsd?: number | null | undefined;
  /** Compute time the provider itself reported, when it does. */
  computeSeconds?: number | undefined;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** One registry for the whole process: served at /metrics, with Node's default metrics. */
export function createMetrics(options: { registry?: Registry; knownModels?: Iterable<string>; knownTiers?: Iterable<string>; defaultMetrics?: boolean } = {}) {
  const registry = options.registry ?? new Registry();
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    // Gauges named like counters fail promtool's lint; the per-type gauges beside them stay.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  }
  const models = new Set(options.knownModels ?? []);

  // With exemplars (the trace of an observation, served in OpenMetrics: open-metrics.ts). prom-client
  // refuses exemplars on a Prometheus-format registry at construction only, so it is registered after.
  const operationDuration = new Histogram({
    name: 'gen_ai_client_operation_duration_seconds',
    help: 'GenAI operation duration (OpenTelemetry GenAI semantic conventions).',
    labelNames: ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'error_type'],
    buckets: GEN_AI_DURATION_BUCKETS,
    enableExemplars: true,
    registers: [],
  });
  registry.registerMetric(operationDuration);
  const tokenUsage = new Histogram({
    name: 'gen_ai_client_token_usage',
    help: 'Tokens used per GenAI operation (OpenTelemetry GenAI semantic conventions).',
    labelNames: ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_token_type'],
    buckets: GEN_AI_TOKEN_BUCKETS,
    registers: [registry],
  });
  const generations = new Counter({
    name: 'atelier_generations_total',
    help: 'Generation requests by kind, style, theme and outcome.',
    labelNames: ['kind', 'style', 'theme', 'status'],
    registers: [registry],
  });
  const cost = new Counter({
    name: 'atelier_generation_cost_usd_total',
    help: 'Estimated provider cost in US dollars (generations with an unknown price are not included).',
    labelNames: ['kind', 'provider'],
    registers: [registry],
  });
  const costUnknown = new Counter({
    name: 'atelier_generation_cost_unknown_total',
    help: 'Successful generations whose price is unknown.',
    labelNames: ['kind', 'provider'],
    registers: [registry],
  });
  const computeTime = new Histogram({
    name: 'atelier_provider_compute_seconds',
    help: 'Compute time providers report for a successful job (Replicate predict_time, fal timings.inference).',
    labelNames: ['provider', 'kind'],
    buckets: GEN_AI_DURATION_BUCKETS,
    registers: [registry],
  });
  const fallbacks = new Counter({
    name: 'atelier_provider_fallbacks_total',
    help: 'Times a provider of a fallback chain could not serve and the next one was asked.',
    labelNames: ['kind', 'from', 'to', 'error_type'],
    registers: [registry],
  });
  const feedback = new Counter({
    name: 'atelier_feedback_total',
    help: 'Ratings and feedback messages received.',
    labelNames: ['kind'],
    registers: [registry],
  });

  const rateLimited = new Counter({
    name: 'atelier_rate_limited_total',
    help: 'Requests refused by a tier rate limit or daily quota, by tier.',
    labelNames: ['tier'],
    registers: [registry],
  });
  const tierIds = new Set(options.knownTiers ?? []);

  const circuitState = new Gauge({
    name: 'atelier_provider_circuit_state',
    help: 'Circuit breaker of an HTTP provider, per generation kind: 0 closed, 1 half-open, 2 open.',
    labelNames: ['provider', 'kind'],
    registers: [registry],
  });
  const circuitRejections = new Counter({
    name: 'atelier_provider_circuit_rejections_total',
    help: 'Provider calls failed at once because the provider\'s circuit breaker was open.',
    labelNames: ['provider', 'kind'],
    registers: [registry],
  });

  const jobStates = new Counter({
    name: 'atelier_generation_jobs_total',
    help: 'Image and video jobs entering each state (queued, running, succeeded, failed, rejected, cancelled).',
    labelNames: ['kind', 'state'],
    registers: [registry],
  });
  const queueWait = new Histogram({
    name: 'atelier_queue_wait_seconds',
    help: 'Time a generation job waited in the queue before a worker started it.',
    labelNames: ['kind'],
    buckets: QUEUE_WAIT_BUCKETS,
    registers: [registry],
  });
  const workersBusy = new Gauge({
    name: 'atelier_workers_busy',
    help: 'Generation jobs this process is running now, per kind and provider.',
    labelNames: ['kind', 'provider'],
    registers: [registry],
  });
  const workersCapacity = new Gauge({
    name: 'atelier_workers_capacity',
    help: 'Generation jobs of a kind allowed to run at once (across replicas); busy / capacity is utilisation.',
    labelNames: ['kind', 'provider'],
    registers: [registry],
  });
  let depthSource: (() => Promise<Array<{ kind: string; status: string; n: number }>>) | undefined;
  new Gauge({
    name: 'atelier_queue_depth',
    help: 'Generation jobs waiting (state queued) or running, per kind, read from the database at scrape time.',
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      if (!depthSource) return;
      this.reset();
      for (const kind of ['image', 'video']) for (const state of ['queued', 'running']) this.set({ kind, state }, 0);
      const rows = await depthSource().catch(() => []);
      for (const row of rows) this.set({ kind: bounded(row.kind, KINDS), state: row.status === 'running' ? 'running' : 'queued' }, row.n);
    },
  });

  return {
    registry,
    /** The queue gauge reads the database at scrape time (all replicas' jobs, not only this one's). */
    setQueueDepthSource(source: () => Promise<Array<{ kind: string; status: string; n: number }>>) {
      depthSource = source;
    },
    observeJobState(kind: string, state: string) {
      jobStates.inc({ kind: bounded(kind, KINDS), state: bounded(state, JOB_STATES) });
    },
    observeJobStarted(kind: string, queueWaitSeconds: number) {
      jobStates.inc({ kind: bounded(kind, KINDS), state: 'running' });
      queueWait.observe({ kind: bounded(kind, KINDS) }, queueWaitSeconds);
    },
    observeWorkersBusy(kind: string, provider: string, busy: number) {
      workersBusy.set({ kind: bounded(kind, KINDS), provider: bounded(provider, PROVIDERS) }, busy);
    },
    observeWorkerCapacity(kind: string, provider: string, capacity: number) {
      workersCapacity.set({ kind: bounded(kind, KINDS), provider: bounded(provider, PROVIDERS) }, capacity);
    },
    observeRateLimited(tier: string) {
      rateLimited.inc({ tier: bounded(tier, tierIds) });
    },
    observeGeneration(observation: GenerationObservation) {
      const kind = bounded(observation.kind, KINDS);
      const provider = bounded(observation.provider, PROVIDERS);
      generations.inc({ kind, style: bounded(observation.style, STYLE_IDS), theme: bounded(observation.theme, THEME_IDS), status: bounded(observation.status, STATUSES) });
      if (provider === 'none' || observation.durationSeconds === undefined) return;
      const common = { gen_ai_operation_name: observation.operation, gen_ai_provider_name: provider, gen_ai_request_model: bounded(observation.model, models) };
      operationDuration.observe({
        labels: { ...common, error_type: observation.errorType ? bounded(observation.errorType, ERROR_TYPES) : '' },
        value: observation.durationSeconds,
        exemplarLabels: traceExemplar(),
      });
      if (observation.inputTokens != null) tokenUsage.observe({ ...common, gen_ai_token_type: 'input' }, observation.inputTokens);
      if (observation.outputTokens != null) tokenUsage.observe({ ...common, gen_ai_token_type: 'output' }, observation.outputTokens);
      if (observation.status === 'succeeded') {
        if (observation.computeSeconds !== undefined && Number.isFinite(observation.computeSeconds)) computeTime.observe({ provider, kind }, observation.computeSeconds);
        if (observation.costUsd == null) costUnknown.inc({ kind, provider });
        else cost.inc({ kind, provider }, observation.costUsd);
      }
    },
    observeCircuitState(provider: string, kind: string, state: CircuitState) {
      circuitState.set({ provider: bounded(provider, PROVIDERS), kind: bounded(kind, KINDS) }, CIRCUIT_STATE_VALUE[state]);
    },
    observeFallback(kind: string, from: string, to: string, errorType: string) {
      fallbacks.inc({ kind: bounded(kind, KINDS), from: bounded(from, PROVIDERS), to: bounded(to, PROVIDERS), error_type: bounded(errorType, ERROR_TYPES) });
    },
    observeCircuitRejection(provider: string, kind: string) {
      circuitRejections.inc({ provider: bounded(provider, PROVIDERS), kind: bounded(kind, KINDS) });
    },
    observeFeedback(kind: 'rating_up' | 'rating_down' | 'text') {
      feedback.inc({ kind: bounded(kind, FEEDBACK_KINDS) });
    },
  };
}
