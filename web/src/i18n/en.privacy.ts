/** English strings of privacy masks and redaction for release (#12) (spread into en.ts). */
export const enPrivacy = {
  privacyPage: {
    title: 'Privacy',
  },
};
