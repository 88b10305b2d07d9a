import { Gauge, type Registry } from 'prom-client';
import type { AnalyticsManager } from './manager';
import type { PipelineStats } from './stages';

const PER_CAMERA: Array<[keyof PipelineStats, string, string]> = [
  ['frames', 'smartview_analytics_frames', 'Frames offered to the camera\'s pipeline since it started'],
  ['gatedOut', 'smartview_analytics_gated_out', 'Frames the motion gate kept from the detector'],
  ['detectorCalls', 'smartview_analytics_detector_calls', 'Detector requests of the camera'],
  ['poolDropped', 'smartview_analytics_pool_dropped', 'Detector requests refused by the saturated pool (frames dropped on purpose)'],
  ['tracks', 'smartview_analytics_tracks', 'Tracks that appeared'],
  ['events', 'smartview_analytics_events', 'Events stored (tracks appeared/lost, rule hits)'],
];

/**
 * The analytics role's counters on this process's /metrics: per camera (since its pipeline last
 * started) and for the shared detector pool. Read from the running pipelines at scrape time.
 */
export function registerAnalyticsMetrics(registry: Registry, role: AnalyticsManager): void {
  const registers = [registry];
  for (const [key, name, help] of PER_CAMERA) {
    const g: Gauge<'camera'> = new Gauge({
      name, help, labelNames: ['camera'], registers,
      collect() {
        g.reset();
        for (const c of role.stats().cameras) g.set({ camera: c.cameraId }, c.pipeline[key]);
      },
    });
  }
  const samplerDrops: Gauge<'camera'> = new Gauge({
    name: 'smartview_analytics_sampler_dropped', help: 'Frames the camera\'s sampler dropped while the pipeline was busy', labelNames: ['camera'], registers,
    collect() {
      samplerDrops.reset();
      for (const c of role.stats().cameras) samplerDrops.set({ camera: c.cameraId }, c.sampler.dropped);
    },
  });
  const cameras: Gauge = new Gauge({ name: 'smartview_analytics_cameras', help: 'Cameras with a live analytics pipeline on this process', registers, collect: () => cameras.set(role.cameras().length) });
  const pool: Gauge<'stat'> = new Gauge({
    name: 'smartview_detector_pool', help: 'The shared detector pool: workers, queued, inFlight, completed, dropped, failed, meanInferMs', labelNames: ['stat'], registers,
    collect() {
      const s = role.stats().pool;
      pool.reset();
      if (s) for (const [k, v] of Object.entries(s)) pool.set({ stat: k }, v);
    },
  });
}
