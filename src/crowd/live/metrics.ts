import { Gauge, type Registry } from 'prom-client';
import type { CrowdRole } from './manager';

type Stat = 'frames' | 'dropped' | 'superseded' | 'errors' | 'lastCountMs';
const PER_CAMERA: Array<[Stat, string, string]> = [
  ['frames', 'smartview_crowd_frames', 'Frames the camera\'s crowd sampler produced since the stage started'],
  ['dropped', 'smartview_crowd_sampler_dropped', 'Frames the crowd sampler dropped itself'],
  ['superseded', 'smartview_crowd_superseded', 'Frames replaced by a newer one while a count ran (latest wins)'],
  ['errors', 'smartview_crowd_count_errors', 'Frames whose count failed'],
  ['lastCountMs', 'smartview_crowd_last_count_ms', 'Wall time of the camera\'s last count'],
];

/** The live crowd stage on this process's /metrics, per camera, read at scrape time. */
export function registerCrowdMetrics(registry: Registry, role: CrowdRole): void {
  const registers = [registry];
  for (const [key, name, help] of PER_CAMERA) {
    const g: Gauge<'camera'> = new Gauge({
      name, help, labelNames: ['camera'], registers,
      collect() {
        g.reset();
        for (const c of role.stats()) {
          const v = c[key];
          if (v !== null) g.set({ camera: c.cameraId }, v);
        }
      },
    });
  }
  const cameras: Gauge = new Gauge({ name: 'smartview_crowd_cameras', help: 'Cameras with a live crowd stage on this process', registers, collect: () => cameras.set(role.cameras().length) });
}
