import type { SandboxVendor } from '../vendor';

import { connectwisePsa } from './connectwise-psa';
import { haloPsa } from './halopsa';
import { autotask } from './autotask';
import { ninjaOne } from './ninjaone';
import { connectwiseAutomate } from './connectwise-automate';
import { dattoRmm } from './datto-rmm';
import { sentinelOne } from './sentinelone';
import { defender } from './defender';
import { crowdStrike } from './crowdstrike';
import { huntress } from './huntress';
import { microsoftLogin } from './microsoft-login';
import { hudu } from './hudu';
import { itGlue } from './itglue';
import { openAi } from './openai';

/** Every vendor the sandbox serves, each under /<id>. */
export const ALL_VENDORS: SandboxVendor[] = [
	connectwisePsa,
	haloPsa,
	autotask,
	ninjaOne,
	connectwiseAutomate,
	dattoRmm,
	sentinelOne,
	defender,
	crowdStrike,
	huntress,
	microsoftLogin,
	hudu,
	itGlue,
	openAi,
];
