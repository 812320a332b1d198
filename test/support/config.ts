/** The message of the ConfigError `loadConfig(env)` throws; fails the test when `env` is accepted. */
import { ConfigError, loadConfig } from '../../src/config';

export function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}
