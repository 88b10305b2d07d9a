import type { Messages } from './en';
import type { enPrivacy } from './en.privacy';

/** 繁體中文: privacy masks and redaction for release (#12) (spread into zh-Hant.ts). */
export const zhHantPrivacy: Pick<Messages, keyof typeof enPrivacy> = {
  privacyPage: {
    title: '私隱',
  },
};
