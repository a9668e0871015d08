import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * CloudWatch metrics as Embedded Metric Format lines on stdout (Powertools Metrics): CloudWatch
 * Logs turns them into metrics, no API call on the request path. The namespace is
 * `POWERTOOLS_METRICS_NAMESPACE` (serverless.yml: taskapi/<stage>), every metric carries the
 * `service` dimension, and the alarms in serverless.yml watch these names. Events are stored
 * during a request and written once at its end (`publishMetrics`); the per-route request metrics
 * go out at once with dimensions of their own, so the event metrics keep only `service`.
 */

const options = {
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'taskapi',
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'taskapi/local',
};

export const metrics = new Metrics(options);

// The per-route metrics, each with dimensions of its own, written at the end of every request.
// One instance each for the instance's life: `singleMetric()` builds a new Metrics per call
// (reading the environment, making a Console), which cost 0.1 ms a request, twice.
const requestMetrics = new Metrics(options);
const latencyMetrics = new Metrics(options);
// Likewise for refusals by rule: a flood of refused requests is when they come in numbers.
const rejectionMetrics = new Metrics(options);

/** The security and business events counted, and the metric each one is. */
export const EVENT_METRICS = {
  'login.failed': 'LoginFailed',
  'login.locked': 'LoginLocked',
  'refresh.reuse_detected': 'RefreshReuseDetected',
  'rate_limit.rejected': 'RateLimitRejected',
  'database.unavailable': 'DatabaseUnavailable',
  'email.sent': 'EmailsSent',
  'email.failed': 'EmailsFailed',
} as const;

export type MetricEvent = keyof typeof EVENT_METRICS;

/** The per-request metrics: by route and status class, and latency by route. */
export const REQUEST_METRICS = { requests: 'Requests', latency: 'Latency' } as const;

export function countEvent(event: MetricEvent, count = 1): void {
  if (count > 0) metrics.addMetric(EVENT_METRICS[event], MetricUnit.Count, count);
}

/** What a delivery run sent and failed to send. */
export function countDeliveries(result: { sent: number; failed: number }): void {
  countEvent('email.sent', result.sent);
  countEvent('email.failed', result.failed);
}

/** A rate-limit refusal, also by the rule that refused, so a dashboard can tell them apart. */
export function countRejection(rule: string): void {
  countEvent('rate_limit.rejected');
  rejectionMetrics.addDimension('rule', rule);
  rejectionMetrics.addMetric(EVENT_METRICS['rate_limit.rejected'], MetricUnit.Count, 1);
  rejectionMetrics.publishStoredMetrics(); // and forgets the rule dimension
}

export function recordRequest(route: string, status: number, latencyMs: number): void {
  requestMetrics.addDimensions({ route, statusClass: `${Math.floor(status / 100)}xx` });
  requestMetrics.addMetric(REQUEST_METRICS.requests, MetricUnit.Count, 1);
  requestMetrics.publishStoredMetrics(); // and forgets this request's dimensions
  latencyMetrics.addDimension('route', route);
  latencyMetrics.addMetric(REQUEST_METRICS.latency, MetricUnit.Milliseconds, latencyMs);
  latencyMetrics.publishStoredMetrics();
}

/** The cold-start metric on an instance's first invocation (a no-op afterwards). */
export const countColdStart = (functionName: string) => metrics.captureColdStartMetric(functionName);

/** Writes what this invocation counted; nothing (and no warning) when it counted nothing. */
export function publishMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
