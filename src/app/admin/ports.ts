import type { FieldAgent } from '../dispatch/ports.ts';

export interface TeamWithMembers {
  id: string;
  name: string;
  supervisor: string | null;
  /** Collector ids in the team. */
  members: string[];
}

export interface CalendarDay {
  day: string;
  kind: 'holiday' | 'quiet';
  name: string;
}

export interface TerritoryAgent extends FieldAgent {
  active: boolean;
}

/** Administration: teams, field territories, contact calendars, who the rule sets govern. */
export interface AdminStore {
  customersByJurisdiction(): Promise<Record<string, number>>;
  teams(): Promise<TeamWithMembers[]>;
  /** Collector ids that exist among those given. */
  knownCollectors(ids: readonly string[]): Promise<string[]>;
  /** Adds or changes the teams and sets their members, in one transaction. */
  saveTeams(teams: readonly TeamWithMembers[]): Promise<void>;
  /** Field agents, active or not, by territory then id. */
  agents(): Promise<TerritoryAgent[]>;
  /** The field agents become exactly these: those left out are made inactive. */
  replaceAgents(agents: readonly TerritoryAgent[]): Promise<void>;
  calendars(): Promise<Record<string, CalendarDay[]>>;
  /** The jurisdiction's holidays and quiet days become exactly these. */
  replaceCalendar(jurisdiction: string, days: readonly CalendarDay[]): Promise<void>;
}
