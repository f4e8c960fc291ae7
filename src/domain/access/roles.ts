/**
 * The roles of the people who use Recoup, and what each may see or decide. Who a request comes
 * from (the actor) is established by the adapter in front (the HTTP API's sessions and keys);
 * the rules of what a role may do live here, pure.
 */
export const ROLES = [
  'administrator',
  'strategy_manager',
  'supervisor',
  'collector',
  'field_agent',
  'compliance_officer',
  'analyst',
] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/** Who is acting: a user (or system key) id and the role it acts in. */
export interface Actor {
  user: string;
  role: Role;
}

/** Roles that may see a customer's personal data unmasked (each view is recorded). */
export const UNMASK_ROLES: ReadonlySet<Role> = new Set([
  'administrator',
  'supervisor',
  'collector',
  'field_agent',
  'compliance_officer',
]);

/** Roles that may approve or reject what needs a supervisor (plans above limits, moves). */
export const SUPERVISING_ROLES: ReadonlySet<Role> = new Set(['administrator', 'supervisor']);

export const mayUnmask = (role: Role): boolean => UNMASK_ROLES.has(role);
export const maySupervise = (role: Role): boolean => SUPERVISING_ROLES.has(role);
