import type { Messages } from './en';
import type { enSearch } from './en.search';

/** 繁體中文: forensic search, cases and journeys (#7) (spread into zh-Hant.ts). */
export const zhHantSearch: Pick<Messages, keyof typeof enSearch> = {
  searchPage: {
    title: '鑑證搜尋',
  },
};
