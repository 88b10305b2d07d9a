import type { Messages } from './en';
import type { enCrowd } from './en.crowd';

/** 繁體中文: crowd analytics and event mode (#6) (spread into zh-Hant.ts). */
export const zhHantCrowd: Pick<Messages, keyof typeof enCrowd> = {
  crowdPage: {
    title: '人群分析',
  },
};
