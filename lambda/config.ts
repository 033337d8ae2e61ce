/** The handler's environment, read once at cold start. */
import { type DetectionSettings, parseSettings, SettingsError } from './domain/settings.js';

export interface HandlerConfig {
  topicArn: string;
  baselineTable: string;
  /** The detector's own account (functions elsewhere are read through the member role). */
  homeAccount: string;
  memberRoleName: string | null;
  settings: DetectionSettings;
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

export function readConfig(env: Record<string, string | undefined>): HandlerConfig {
  const missing = ['ALERT_TOPIC_ARN', 'BASELINE_TABLE', 'HOME_ACCOUNT'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new ConfigurationError(`layerwatch handler: missing environment variable(s) ${missing.join(', ')}`);
  }
  let settings: DetectionSettings;
  try {
    settings = parseSettings(env.LAYERWATCH_SETTINGS ? JSON.parse(env.LAYERWATCH_SETTINGS) : undefined);
  } catch (error) {
    const why = error instanceof SettingsError ? error.message : 'not valid JSON';
    throw new ConfigurationError(`layerwatch handler: LAYERWATCH_SETTINGS: ${why}`, { cause: error });
  }
  return {
    topicArn: env.ALERT_TOPIC_ARN as string,
    baselineTable: env.BASELINE_TABLE as string,
    homeAccount: env.HOME_ACCOUNT as string,
    memberRoleName: env.MEMBER_ROLE_NAME || null,
    settings,
  };
}
