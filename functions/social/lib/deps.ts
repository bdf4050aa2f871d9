import { dynamo, loadConfig } from '@darkroom/runtime';
import { DynamoChatRepository, type ChatRepository } from './chat/repository';
import { DynamoEventsRepository, type EventsRepository } from './events/repository';
import { DynamoProfilesRepository, type ProfilesRepository } from './profiles/repository';

/** What the social routes need: one repository per aggregate on the one social table, and a clock (epoch ms), replaceable in tests. */
export interface SocialDeps {
  profiles: ProfilesRepository;
  events: EventsRepository;
  chat: ChatRepository;
  now: () => number;
}

/**
 * The social table's repositories and the clock, built once per cold start.
 * @throws ConfigError when SOCIAL_TABLE is missing
 */
export function socialDeps(): SocialDeps {
  const { socialTable } = loadConfig({ socialTable: 'SOCIAL_TABLE' });
  const doc = dynamo();
  return {
    profiles: new DynamoProfilesRepository(doc, socialTable),
    events: new DynamoEventsRepository(doc, socialTable),
    chat: new DynamoChatRepository(doc, socialTable),
    now: Date.now,
  };
}
