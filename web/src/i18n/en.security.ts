/** English strings of account security: second factor, sessions, single sign-on (#12) (spread into en.ts). */
export const enSecurity = {
  securityPage: {
    title: 'Account',
  },
};
