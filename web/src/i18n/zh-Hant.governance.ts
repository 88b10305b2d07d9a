import type { Messages } from './en';
import type { enGovernance } from './en.governance';

/** 繁體中文: governance: audit review, transparency, register, access (#12) (spread into zh-Hant.ts). */
export const zhHantGovernance: Pick<Messages, keyof typeof enGovernance> = {
  governancePage: {
    tabs: { review: '審計覆核', access: '存取覆核', privacy: '私隱', report: '透明度報告', register: '攝影機登記冊' },
    title: '管治',
  },
};
