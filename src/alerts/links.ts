const PAD_MS = 30_000;
const MAX_WINDOW_MS = 24 * 3_600_000;

/**
 * Web app link to the recordings around an event: the playback page's hash route
 * (web/src/app/router.ts: '#/playback?cams=…&from=…&to=…'), 30 s before to 30 s after, at most 24 h.
 */
export function playbackUrl(cameraId: string, startedAt: number, endedAt: number | null): string {
  const from = startedAt - PAD_MS;
  const to = Math.min(Math.max(endedAt ?? startedAt, startedAt) + PAD_MS, from + MAX_WINDOW_MS);
  return `/#/playback?${new URLSearchParams({ cams: cameraId, from: String(from), to: String(to) }).toString()}`;
}
