import type { OperationTable } from '../../shared';
import { operationRouter } from '../../shared';

import * as containment from './containment';
import * as device from './device';
import * as mitigation from './mitigation';
import * as threat from './threat';

const OPERATIONS: OperationTable = {
	threat: {
		getMany: threat.getMany.execute,
		get: threat.get.execute,
		update: threat.update.execute,
		addNote: threat.addNote.execute,
	},
	device: { get: device.get.execute, getContainment: device.getContainment.execute },
	containment: { isolate: containment.isolate.execute, release: containment.release.execute },
	mitigation: { run: mitigation.run.execute },
};

export const router = operationRouter(OPERATIONS);
