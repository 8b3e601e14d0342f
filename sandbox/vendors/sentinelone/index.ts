import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';

// Not served yet: the vendor API is being added.
export const sentinelOne: SandboxVendor = {
	id: 'sentinelone',
	title: 'SentinelOne',
	router: () => Router(),
	credentials: () => ({}),
	n8nCredentials: () => [],
};
