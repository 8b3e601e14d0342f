import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';

// Not served yet: the vendor API is being added.
export const defender: SandboxVendor = {
	id: 'defender',
	title: 'Microsoft Defender for Endpoint',
	router: () => Router(),
	credentials: () => ({}),
	n8nCredentials: () => [],
};
