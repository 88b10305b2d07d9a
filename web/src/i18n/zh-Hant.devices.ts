import type { Messages } from './en';
import type { enDevices } from './en.devices';

/** 繁體中文: third-party device onboarding (#10) (spread into zh-Hant.ts). */
export const zhHantDevices: Pick<Messages, keyof typeof enDevices> = {
  devicesPage: {
    nav: '裝置',
    title: 'ONVIF 裝置',
    targets: '單播目標（主機:埠，可留空；留空即在本地網絡多播）',
    discover: '搜尋',
    badTarget: '「{{target}}」不是 主機:埠',
    noneFound: '沒有裝置回應。',
    use: '使用',
    field: { xaddr: '裝置地址', username: '使用者名稱', password: '密碼', id: '攝影機編號', owner: '擁有機構', lat: '緯度', lon: '經度', district: '地區' },
    probe: '探測',
    onboard: '加入',
    device: '裝置',
    profiles: '串流設定',
    clock: '時鐘',
    clockUnknown: '不明',
    clockOffset: '相差 {{seconds}} 秒',
    clockWarning: '（請將裝置設定為 NTP）',
    ptz: '雲台控制',
    yes: '有',
    no: '沒有',
    onboarded: '已加入：{{ids}}',
  },
};
