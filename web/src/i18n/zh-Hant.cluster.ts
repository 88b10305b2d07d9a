import type { Messages } from './en';
import type { enCluster } from './en.cluster';

/** 繁體中文: the cluster view (#11) (spread into zh-Hant.ts). */
export const zhHantCluster: Pick<Messages, keyof typeof enCluster> = {
  clusterPage: {
    nav: '叢集',
    title: '叢集',
    intro: '錄影及分析節點、各節點負責的攝影機及其狀態。節點停止或失效時，其攝影機會轉由其他節點處理。',
    nodes: '節點',
    noNodes: '沒有叢集節點：本站以單一節點運作（cluster.enabled 未啟用）。',
    node: '節點',
    roles: '角色',
    status: '狀態',
    statusValue: { up: '運作中', left: '已離開', lost: '失去聯絡' },
    load: '負責攝影機',
    loadValue: '錄影 {{recorder}} / {{recorderCap}} · 分析 {{analytics}} / {{analyticsCap}}',
    heartbeat: '最後心跳',
    heartbeatAge: '{{seconds}} 秒前',
    skew: '時鐘偏差',
    skewValue: '{{ms}} 毫秒',
    skewBad: '超出上限：請修正此主機的 NTP',
    version: '版本',
    host: '主機',
    leases: '已分配攝影機',
    leasesOf: '{{node}} 的已分配攝影機',
    show: '顯示攝影機',
    noLeases: '此節點沒有負責任何攝影機。',
    camera: '攝影機',
    role: '角色',
    epoch: '世代',
    since: '開始時間',
    refresh: '重新整理',
    loading: '載入中…',
    error: '無法載入叢集資料：{{message}}',
  },
};
