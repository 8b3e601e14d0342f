import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as alert from './alert';
import * as device from './device';
import * as patch from './patch';
import * as script from './script';

type Execute = (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;

/** resource -> operation -> execute; nothing else happens here. */
const OPERATIONS: Record<string, Record<string, Execute>> = {
	device: { get: device.get.execute, getByHostname: device.getByHostname.execute, search: device.search.execute },
	patch: { apply: patch.apply.execute, getStatus: patch.getStatus.execute, list: patch.list.execute, listFleet: patch.listFleet.execute, scan: patch.scan.execute, waitForCompletion: patch.waitForCompletion.execute },
	script: { getResult: script.getResult.execute, list: script.list.execute, run: script.run.execute, waitForCompletion: script.waitForCompletion.execute },
	alert: { list: alert.list.execute, reset: alert.reset.execute },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const execute = OPERATIONS[resource]?.[operation];
	if (!execute) throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for resource "${resource}"`);
	return [await execute.call(this)];
}
