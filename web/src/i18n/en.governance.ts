/** English strings of governance: audit review, transparency, register, access (#12) (spread into en.ts). */
export const enGovernance = {
  governancePage: {
    tabs: { review: 'Audit review', access: 'Access reviews', privacy: 'Privacy', report: 'Transparency report', register: 'Camera register' },
    title: 'Governance',
  },
};
