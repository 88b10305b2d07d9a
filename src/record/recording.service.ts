import { authorize } from '../auth/guard';
import type { Camera } from '../cameras/camera.model';
import { CameraRepository } from '../cameras/camera.repository';
import type { ActionContext, AuditAppender } from '../core/context';
import { NotFoundError, OperationalError, ValidationError, isAppError } from '../core/errors';
import type { Clock } from '../core/time';
import type { StreamSource } from '../ingest/source';
import type { SecretBox } from '../keys/secret-box';
import type { MediaTools } from '../media/ffmpeg';
import { probeSource, type ProbeResult } from '../media/probe';
import type { Db, Store } from '../store/store';
import { computeCoverage, type Coverage } from './coverage';
import { RecordingRepository } from './recording.repository';
import { SegmentRepository } from './segment.repository';

const MAX_COVERAGE_SPAN_MS = 92 * 24 * 3_600_000;

/** Decrypts a camera's stored credentials into its stream source (only at spawn/probe time). */
export async function cameraSource(db: Db, secrets: SecretBox, camera: Camera): Promise<StreamSource> {
  const src: StreamSource = { url: camera.source.url, transport: camera.source.transport };
  if (!camera.source.hasCredentials) return src;
  const cred = await new CameraRepository(db).credentials(camera.id);
  if (!cred) return src;
  try {
    src.username = cred.username || undefined;
    src.password = secrets.open(cred.secret) || undefined;
  } catch (err) {
    throw new OperationalError('credentials_unreadable', `The stored credentials of camera '${camera.id}' cannot be decrypted (was keys/secrets.key replaced?): enter the camera's password again`, { cause: err });
  }
  return src;
}

/** The recording room's API: probe a camera's stream, and proof of recording over a period. */
export class RecordingService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditAppender,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly o: { tools: MediaTools; defaultTransport: 'tcp' | 'udp'; probeTimeoutMs?: number; probeSeconds?: number },
  ) {}

  /** Probes the camera's main stream; the result is kept in camera_health.probe. Audited either way. */
  async probe(ctx: ActionContext, id: string): Promise<ProbeResult> {
    const scopes = authorize(ctx, 'camera.write');
    const cam = await new CameraRepository(this.store.db).get(id, scopes);
    if (!cam) throw new NotFoundError('camera', id);
    const src = await cameraSource(this.store.db, this.secrets, cam);
    let result: ProbeResult;
    try {
      result = await probeSource(this.o.tools, src, { defaultTransport: this.o.defaultTransport, timeoutMs: this.o.probeTimeoutMs, analyzeSeconds: this.o.probeSeconds });
    } catch (err) {
      const code = isAppError(err) ? err.code : 'probe_failed';
      await this.audit.recordStandalone(ctx, { action: 'camera.probe', targetType: 'camera', targetId: id, cameraIds: [id], outcome: 'failed', details: { error: code } });
      throw err;
    }
    await this.store.transaction(async (tx) => {
      await new RecordingRepository(tx).upsertHealth(id, { probe: JSON.stringify(result) }, this.clock.now());
      await this.audit.record(tx, ctx, { action: 'camera.probe', targetType: 'camera', targetId: id, cameraIds: [id], details: { codec: result.codec, width: result.width, height: result.height, fps: result.fps } });
    });
    return result;
  }

  /** Coverage % and gaps of a camera over [fromMs, toMs) (clipped at now). */
  async coverage(ctx: ActionContext, id: string, fromMs: number, toMs: number): Promise<Coverage & { cameraId: string }> {
    const scopes = authorize(ctx, 'playback.view');
    const now = this.clock.now();
    if (toMs <= fromMs) throw new ValidationError('to must be after from (both UTC milliseconds)');
    if (toMs - fromMs > MAX_COVERAGE_SPAN_MS) throw new ValidationError('the period is longer than 92 days: ask for it in parts');
    if (fromMs >= now) throw new ValidationError('the period starts in the future: nothing can have been recorded yet');
    const cam = await new CameraRepository(this.store.db).get(id, scopes);
    if (!cam) throw new NotFoundError('camera', id); // out of scope looks exactly like absent
    const [spans, gaps] = await Promise.all([
      new SegmentRepository(this.store.db).spans(id, fromMs, toMs),
      new RecordingRepository(this.store.db).gapsInRange(id, fromMs, toMs),
    ]);
    const report = computeCoverage(fromMs, toMs, spans, gaps, now);
    await this.store.transaction((tx) =>
      this.audit.record(tx, ctx, { action: 'recording.coverage', targetType: 'camera', targetId: id, cameraIds: [id], details: { fromMs, toMs: report.toMs, coveragePct: report.coveragePct } }),
    );
    return { cameraId: id, ...report };
  }
}
