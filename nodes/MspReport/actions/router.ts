import type { OperationTable } from '../../shared';
import { operationRouter } from '../../shared';

import * as evidence from './evidence';
import * as report from './report';

/** resource -> operation -> execute; nothing else happens here. */
const OPERATIONS: OperationTable = {
	evidence: { build: evidence.build.execute },
	report: { build: report.build.execute, publish: report.publish.execute },
};

export const router = operationRouter(OPERATIONS);
