import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';

// Not served yet: the vendor API is being added.
export const connectwiseAutomate: SandboxVendor = {
	id: 'connectwise-automate',
	title: 'ConnectWise Automate',
	router: () => Router(),
	credentials: () => ({}),
	n8nCredentials: () => [],
};
