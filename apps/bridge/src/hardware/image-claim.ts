/**
 * An image from a storage location for this VM: refused (409 `InUse`) while another VM holds it (a disk: any use;
 * an ISO: as a disk or open for writing). The holder is named only when the caller may see it; an operator
 * scoped to some VMs learns that the image is taken, not which VM outside their scope took it.
 */
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { type Principal, principalSees } from '../auth/principal.ts';
import { BridgeError } from '../bridge-error.ts';
import { type Images, inUseBy } from '../definitions/images.ts';

export async function claimImage(
  images: Images,
  principal: Principal,
  claim: { path: string; as: 'disk' | 'cdrom'; vm: string; ref: string },
): Promise<void> {
  const holder = await images.usage.holderFor(claim.path, claim.as, claim.vm);
  if (holder === null) return;
  if (principalSees(principal, holder)) throw inUseBy('image', claim.ref, holder);
  throw new BridgeError(BridgeErrorClass.InUse, `image: ${claim.ref} is in use by another VM`, 409);
}
