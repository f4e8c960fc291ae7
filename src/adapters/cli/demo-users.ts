/**
 * The demo's users: one per role, each with the documented password `recoup-demo`. The
 * collector, supervisor and field agent are the demo's own desk ids, so that they see their
 * tasks, team and visits.
 */
import { createUser } from '../../app/access/access.ts';
import type { Role } from '../../domain/access/roles.ts';
import { accessDeps, type Platform } from '../platform.ts';
import { seedDemoPerformance } from './demo-performance.ts';

export const DEMO_PASSWORD = 'recoup-demo';

export const DEMO_USERS: readonly {
  id: string;
  username: string;
  name: string;
  role: Role;
  locale: 'en' | 'zh-CN';
}[] = [
  {
    id: 'demo-admin',
    username: 'demo-admin',
    name: 'Ada Admin',
    role: 'administrator',
    locale: 'en',
  },
  {
    id: 'demo-strategy',
    username: 'demo-strategy',
    name: 'Sam Strategy',
    role: 'strategy_manager',
    locale: 'en',
  },
  {
    id: 'supervisor-1',
    username: 'demo-supervisor',
    name: 'Sue Supervisor',
    role: 'supervisor',
    locale: 'en',
  },
  {
    id: 'collector-1',
    username: 'demo-collector',
    name: 'Collector 1',
    role: 'collector',
    locale: 'en',
  },
  {
    id: 'shanghai-1',
    username: 'demo-field',
    name: 'Shanghai field agent 1',
    role: 'field_agent',
    locale: 'zh-CN',
  },
  {
    id: 'demo-compliance',
    username: 'demo-compliance',
    name: 'Cora Compliance',
    role: 'compliance_officer',
    locale: 'en',
  },
  {
    id: 'demo-analyst',
    username: 'demo-analyst',
    name: 'Ann Analyst',
    role: 'analyst',
    locale: 'en',
  },
];

/** Create the demo users that do not exist yet. */
export async function seedDemoUsers(p: Platform): Promise<number> {
  const deps = accessDeps(p);
  let created = 0;
  for (const u of DEMO_USERS) {
    if (await p.access.userByUsername(u.username)) continue;
    await createUser(
      deps,
      { user: 'recoup', role: 'administrator' },
      { ...u, password: DEMO_PASSWORD },
    );
    created++;
  }
  // the demo desk's targets, scheme, incentive rules and training (what is missing)
  await seedDemoPerformance(p);
  return created;
}
