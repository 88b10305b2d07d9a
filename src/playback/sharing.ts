import { ROLE_PERMISSIONS, type Principal } from '../auth/permissions';
import type { Camera } from '../cameras/camera.model';
import type { ActionContext, AuditAppender } from '../core/context';
import { AppError } from '../core/errors';
import type { Store } from '../store/store';

export type SharingKind = 'live' | 'playback';

/** The owner does not share this camera's video with the caller's organisation (403). */
export class SharingRefusedError extends AppError {
  readonly status = 403;
  constructor(kind: SharingKind, camera: Pick<Camera, 'id' | 'owner'>) {
    super(
      'sharing_refused',
      kind === 'live'
        ? `The owner of camera '${camera.id}' (${camera.owner}) does not share its live video outside its own organisation.`
        : `The owner of camera '${camera.id}' (${camera.owner}) does not share its recordings outside its own organisation.`,
      { cameraId: camera.id, owner: camera.owner, kind },
    );
  }
}

/**
 * The owner's sharing policy: when a camera's liveAllowed/playbackAllowed is false, only the
 * owner's own users may watch — users holding the permission through a grant that names the owner
 * organisation explicitly (and covers the camera's district). A grant over "all organisations"
 * (a city-wide role of another body) does not count. The system context may always.
 */
export function sharingAllows(principal: Principal | null, camera: Camera, kind: SharingKind): boolean {
  if (!principal) return true;
  if (kind === 'live' ? camera.sharing.liveAllowed : camera.sharing.playbackAllowed) return true;
  const permission = kind === 'live' ? 'live.view' : 'playback.view';
  return principal.grants.some(
    (g) =>
      ROLE_PERMISSIONS[g.role]?.has(permission) &&
      g.organisations !== null &&
      g.organisations.includes(camera.owner) &&
      (g.districts === null || g.districts.includes(camera.location.district)),
  );
}

/** Throws SharingRefusedError when the policy refuses, after recording the refusal in the audit trail. */
export async function enforceSharing(_store: Store, audit: AuditAppender, ctx: ActionContext, camera: Camera, kind: SharingKind, action: string, details: Record<string, unknown>): Promise<void> {
  if (sharingAllows(ctx.principal, camera, kind)) return;
  await audit.recordStandalone(ctx, { action, targetType: 'camera', targetId: camera.id, cameraIds: [camera.id], outcome: 'denied', details: { ...details, reason: 'sharing_refused' } });
  throw new SharingRefusedError(kind, camera);
}
