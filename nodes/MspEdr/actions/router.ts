import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as containment from './containment';
import * as device from './device';
import * as mitigation from './mitigation';
import * as threat from './threat';

type Operation = { execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> };

const OPERATIONS: Record<string, Record<string, Operation>> = {
	threat: { getMany: threat.getMany, get: threat.get, update: threat.update, addNote: threat.addNote },
	device: { get: device.get, getContainment: device.getContainment },
	containment: { isolate: containment.isolate, release: containment.release },
	mitigation: { run: mitigation.run },
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = OPERATIONS[resource]?.[operation];
	if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
	return [await handler.execute.call(this)];
}
