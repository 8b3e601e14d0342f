import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';

// Not served yet: the vendor API is being added.
export const microsoftLogin: SandboxVendor = {
	id: 'microsoft-login',
	title: 'Microsoft identity platform',
	router: () => Router(),
	credentials: () => ({}),
	n8nCredentials: () => [],
};
