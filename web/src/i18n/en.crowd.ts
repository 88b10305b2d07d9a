/** English strings of crowd analytics and event mode (#6) (spread into en.ts). */
export const enCrowd = {
  crowdPage: {
    title: 'Crowd',
  },
};
