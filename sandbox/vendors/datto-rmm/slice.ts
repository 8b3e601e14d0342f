import { createHash } from 'crypto';

import type { World } from '../../world/types';

/** A stable UUID of the parts: Datto names sites, devices, components, jobs and alerts by uid. */
export function dattoUid(...parts: Array<string | number>): string {
	const h = createHash('sha1')
		.update(['datto', ...parts].join(':'))
		.digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A quick job started through the API, tied to the engine's operation. */
export interface DattoJobRecord {
	id: number;
	uid: string;
	name: string;
	operationId: string;
	deviceKey: string;
	componentUid: string;
	variables: Array<{ name: string; value: string }>;
	createdAt: number;
}

export interface DattoAlertRecord {
	uid: string;
	deviceKey: string;
	priority: string;
	diagnostics: string;
	context: Record<string, unknown>;
	timestamp: number;
	resolved: boolean;
	resolvedOn?: number;
}

export interface DattoActivity {
	id: string;
	deviceKey: string;
	date: number;
	details: string;
}

/**
 * A component the account has besides the estate's scripts (downloaded from the ComStore or made
 * by the MSP). `installsPatches`: a quick job of it installs the device's approved patches.
 */
export interface DattoComponentRecord {
	uid: string;
	name: string;
	description: string;
	installsPatches: boolean;
}

/**
 * The account's component that installs approved Windows updates now, outside the policy window.
 * ComStore-like; [unverified] the name of a real ComStore component (tenants pick their own).
 */
export const PATCH_INSTALL_COMPONENT = 'Windows Update: Install Approved Patches [WIN]';

export interface DattoSlice {
	components: DattoComponentRecord[];
	jobs: DattoJobRecord[];
	alerts: DattoAlertRecord[];
	activities: DattoActivity[];
}

export function slice(world: World): DattoSlice {
	let value = world.vendors['datto-rmm'] as DattoSlice | undefined;
	if (!value) {
		value = {
			components: [
				{
					uid: dattoUid('component', 'comstore-install-approved-patches'),
					name: PATCH_INSTALL_COMPONENT,
					description:
						'Installs the updates the device’s patch policy approved, now, and reports them to Patch Management.',
					installsPatches: true,
				},
			],
			jobs: [],
			alerts: [],
			activities: [],
		};
		world.vendors['datto-rmm'] = value;
	}
	return value;
}
