/**
 * Changing the channels' settings: the change is checked whole (every problem named by its
 * field) and stored; then what waited on a channel that was paused or full is looked at again:
 * calls and visits planned meanwhile are checked (and become tasks), and the shards with
 * messages waiting get their jobs.
 */
import {
  applyChannelSettingsChange,
  parseChannelSettingsChange,
  type ChannelSettings,
} from '../../domain/channels/settings.ts';
import { invalid } from '../shared/errors.ts';
import { checkPlanned, enqueueShards, type DispatchDeps } from './dispatcher.ts';

export interface ChannelSettingsStore {
  read(): Promise<ChannelSettings>;
  save(s: ChannelSettings): Promise<void>;
}

export type ChannelSettingsDeps = Pick<DispatchDeps, 'store' | 'queue' | 'actor' | 'timezone'> & {
  settings: ChannelSettingsStore;
};

export async function changeChannelSettings(
  deps: ChannelSettingsDeps,
  body: unknown,
  now: Date,
): Promise<ChannelSettings> {
  const r = parseChannelSettingsChange(body);
  if (!r.ok) throw invalid('the channel settings are not valid', r.errors);
  const before = await deps.settings.read();
  const after = applyChannelSettingsChange(before, r.change);
  await deps.settings.save(after);
  const work = { ...deps, channelSettings: async () => after };
  // Calls and visits of a resumed channel become tasks now; messages get their shards' jobs.
  await checkPlanned(work, {}, now);
  await enqueueShards(work);
  return after;
}
