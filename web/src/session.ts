/** The signed-in user, as the server describes it. */
import { createContext, useContext } from 'react';
import type { Role } from '../../src/domain/access/roles.ts';

export interface User {
  id: string;
  username: string;
  name: string;
  role: Role;
  locale: string;
}

export const SessionCtx = createContext<User | null>(null);

/** The signed-in user (the shell renders views only when there is one). */
export function useUser(): User {
  const u = useContext(SessionCtx);
  if (!u) throw new Error('no signed-in user');
  return u;
}
