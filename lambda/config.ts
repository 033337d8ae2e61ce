/** The handler's environment, read once at cold start. */
export interface HandlerConfig {
  topicArn: string;
  baselineTable: string;
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

export function readConfig(env: Record<string, string | undefined>): HandlerConfig {
  const missing = ['ALERT_TOPIC_ARN', 'BASELINE_TABLE'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new ConfigurationError(`layerwatch handler: missing environment variable(s) ${missing.join(', ')}`);
  }
  return { topicArn: env.ALERT_TOPIC_ARN as string, baselineTable: env.BASELINE_TABLE as string };
}
