import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, setUnauthenticatedHandler } from '../api/client';
import { api } from '../api/endpoints';
import type { Me } from '../api/types';

type Status = 'loading' | 'anonymous' | 'authenticated' | 'error';

interface AuthValue {
  status: Status;
  me: Me | null;
  /** Why the session could not be checked (status 'error'). */
  error: ApiError | null;
  /** `code`: the TOTP or recovery code when the server answered totp_required. */
  login(username: string, password: string, code?: string): Promise<void>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
  can(permission: string): boolean;
}

const AuthContext = createContext<AuthValue | null>(null);

function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'unexpected', err instanceof Error ? err.message : String(err));
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [status, setStatus] = useState<Status>('loading');
  const [error, setError] = useState<ApiError | null>(null);

  const refresh = useCallback(async () => {
    try {
      const user = await api.me();
      setMe(user);
      setStatus('authenticated');
      setError(null);
    } catch (err) {
      const e = toApiError(err);
      setMe(null);
      if (e.status === 401) {
        setStatus('anonymous');
        setError(null);
      } else {
        setStatus('error');
        setError(e);
      }
    }
  }, []);

  useEffect(() => {
    void refresh();
    setUnauthenticatedHandler(() => {
      setMe(null);
      setStatus('anonymous');
    });
    return () => setUnauthenticatedHandler(null);
  }, [refresh]);

  const login = useCallback(async (username: string, password: string, code?: string) => {
    const { user } = await api.login(username, password, code);
    setMe(user);
    setStatus('authenticated');
    setError(null);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setMe(null);
      setStatus('anonymous');
    }
  }, []);

  const value = useMemo<AuthValue>(
    () => ({
      status,
      me,
      error,
      login,
      logout,
      refresh,
      can: (permission) => me?.permissions.includes(permission) ?? false,
    }),
    [status, me, error, login, logout, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside <AuthProvider>');
  return v;
}
