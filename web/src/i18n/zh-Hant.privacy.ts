import type { Messages } from './en';
import type { enPrivacy } from './en.privacy';

/** 繁體中文: privacy masks and redaction for release (#12) (spread into zh-Hant.ts). */
export const zhHantPrivacy: Pick<Messages, keyof typeof enPrivacy> = {
  privacyPage: {
    title: '私隱',
    intro: '私隱遮罩會在即時影像、錄影回放及匯出中，為沒有解除遮罩權限的使用者遮蓋攝影機畫面的部分範圍（例如住宅單位的窗戶）。',
    camera: '攝影機',
    pickCamera: '選擇攝影機…',
    masks: {
      hint: '在畫面上點擊以放置遮罩的角點；拖動角點可移動。儲存後遮罩即生效。',
      newMask: '新增遮罩',
      label: '遮蓋內容',
      add: '加入遮罩（{{n}} 個點）',
      cancel: '取消',
      save: '儲存遮罩',
      remove: '移除',
      none: '此攝影機沒有遮罩。',
      unnamed: '遮罩 {{n}}',
      points: '{{n}} 個點',
      saved: '已儲存（版本 {{version}}）。沒有解除遮罩權限的使用者現在看到已遮蓋的畫面。',
    },
    review: {
      title: '待覆核的已遮蔽副本',
      loading: '載入中…',
      none: '沒有待覆核的項目。',
      copy: '副本',
      case: '案件',
      tracks: '人臉及車牌',
      note: '覆核備註',
      of: '匯出 {{exportId}}，攝影機 {{cameraId}}，由 {{by}} 建立',
      request: '申請 {{ref}}',
      trackCount: '{{blurred}} 個已模糊，{{kept}} 個保留',
      approve: '批准',
      reject: '拒絕',
    },
  },
};
