import type { Messages } from './en';
import type { enSecurity } from './en.security';

/** 繁體中文: account security: second factor, sessions, single sign-on (#12) (spread into zh-Hant.ts). */
export const zhHantSecurity: Pick<Messages, keyof typeof enSecurity> = {
  securityPage: {
    title: '帳戶',
  },
};
