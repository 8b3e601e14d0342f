import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';

// Not served yet: the vendor API is being added.
export const ninjaOne: SandboxVendor = {
	id: 'ninjaone',
	title: 'NinjaOne',
	router: () => Router(),
	credentials: () => ({}),
	n8nCredentials: () => [],
};
