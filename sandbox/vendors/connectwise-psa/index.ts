import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';

// Not served yet: the vendor API is being added.
export const connectwisePsa: SandboxVendor = {
	id: 'connectwise-psa',
	title: 'ConnectWise PSA',
	router: () => Router(),
	credentials: () => ({}),
	n8nCredentials: () => [],
};
