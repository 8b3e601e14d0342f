import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';

// Not served yet: the vendor API is being added.
export const haloPsa: SandboxVendor = {
	id: 'halopsa',
	title: 'HaloPSA',
	router: () => Router(),
	credentials: () => ({}),
	n8nCredentials: () => [],
};
