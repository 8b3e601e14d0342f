import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';

// Not served yet: the vendor API is being added.
export const hudu: SandboxVendor = {
	id: 'hudu',
	title: 'Hudu',
	router: () => Router(),
	credentials: () => ({}),
	n8nCredentials: () => [],
};
