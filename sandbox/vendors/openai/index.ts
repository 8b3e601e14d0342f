import { Router } from 'express';

import type { SandboxVendor } from '../../vendor';

// Not served yet: the vendor API is being added.
export const openAi: SandboxVendor = {
	id: 'openai',
	title: 'OpenAI-compatible model',
	router: () => Router(),
	credentials: () => ({}),
	n8nCredentials: () => [],
};
