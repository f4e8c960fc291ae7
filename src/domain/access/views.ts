/**
 * The console's views and who may open each. The server's routes enforce what each role may
 * read or change; this says which rooms of the console a role is shown, so that a collector
 * lands on the desk and is never offered the strategy editor. The console and its browser
 * tests both read it.
 */
import type { Role } from './roles.ts';

export const VIEWS = [
  'overview',
  'monitoring',
  'strategies',
  'customers',
  'desk',
  'field',
  'performance',
  'incentives',
  'training',
  'compliance',
  'admin',
] as const;
export type View = (typeof VIEWS)[number];

const BY_ROLE: Record<Role, readonly View[]> = {
  administrator: VIEWS,
  strategy_manager: ['overview', 'monitoring', 'strategies', 'customers', 'performance'],
  supervisor: [
    'overview',
    'monitoring',
    'customers',
    'desk',
    'field',
    'performance',
    'incentives',
    'training',
  ],
  collector: ['desk', 'customers', 'performance', 'incentives', 'training'],
  field_agent: ['field', 'customers', 'training'],
  compliance_officer: ['overview', 'monitoring', 'customers', 'compliance'],
  analyst: ['overview', 'monitoring', 'strategies', 'customers', 'performance', 'incentives'],
};

/** The views a role is shown, in the order of the navigation. */
export function viewsFor(role: Role): readonly View[] {
  return BY_ROLE[role];
}

export function mayOpen(role: Role, view: View): boolean {
  return BY_ROLE[role].includes(view);
}

/** Where a role lands after signing in: the desk for collectors, the route for field agents. */
export function homeView(role: Role): View {
  return BY_ROLE[role][0]!;
}

export const isView = (s: string): s is View => (VIEWS as readonly string[]).includes(s);
