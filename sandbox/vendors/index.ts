import type { SandboxVendor } from '../vendor';

import { connectwisePsa } from './connectwise-psa';
import { haloPsa } from './halopsa';
import { ninjaOne } from './ninjaone';
import { connectwiseAutomate } from './connectwise-automate';
import { sentinelOne } from './sentinelone';
import { defender } from './defender';
import { microsoftLogin } from './microsoft-login';
import { hudu } from './hudu';
import { openAi } from './openai';

/** Every vendor the sandbox serves, each under /<id>. */
export const ALL_VENDORS: SandboxVendor[] = [
	connectwisePsa,
	haloPsa,
	ninjaOne,
	connectwiseAutomate,
	sentinelOne,
	defender,
	microsoftLogin,
	hudu,
	openAi,
];
