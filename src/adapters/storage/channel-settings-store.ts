/** The channels' settings (paused, daily limit): one document in the settings table. */
import type { ChannelSettingsStore } from '../../app/dispatch/channel-settings.ts';
import {
  DEFAULT_CHANNEL_SETTINGS,
  storedChannelSettings,
  type ChannelSettings,
} from '../../domain/channels/settings.ts';
import { readSetting, writeSetting } from './settings.ts';
import type { Database } from './sql-client.ts';

export const CHANNEL_SETTINGS_KEY = 'channel_settings';

export class SqlChannelSettingsStore implements ChannelSettingsStore {
  constructor(private readonly db: Database) {}

  async read(): Promise<ChannelSettings> {
    const stored = await readSetting(this.db, CHANNEL_SETTINGS_KEY);
    return stored === undefined ? DEFAULT_CHANNEL_SETTINGS : storedChannelSettings(stored);
  }

  save(s: ChannelSettings): Promise<void> {
    return writeSetting(this.db, CHANNEL_SETTINGS_KEY, { channels: s });
  }
}
