/** English strings of forensic search, cases and journeys (#7) (spread into en.ts). */
export const enSearch = {
  searchPage: {
    title: 'Forensic search',
  },
};
