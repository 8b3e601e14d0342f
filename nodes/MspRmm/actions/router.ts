import type { OperationTable } from '../../shared';
import { operationRouter } from '../../shared';

import * as alert from './alert';
import * as device from './device';
import * as patch from './patch';
import * as script from './script';

/** resource -> operation -> execute; nothing else happens here. */
const OPERATIONS: OperationTable = {
	device: {
		get: device.get.execute,
		getByHostname: device.getByHostname.execute,
		search: device.search.execute,
	},
	patch: {
		apply: patch.apply.execute,
		getStatus: patch.getStatus.execute,
		list: patch.list.execute,
		listFleet: patch.listFleet.execute,
		scan: patch.scan.execute,
		waitForCompletion: patch.waitForCompletion.execute,
	},
	script: {
		getResult: script.getResult.execute,
		list: script.list.execute,
		run: script.run.execute,
		waitForCompletion: script.waitForCompletion.execute,
	},
	alert: { list: alert.list.execute, reset: alert.reset.execute },
};

export const router = operationRouter(OPERATIONS);
