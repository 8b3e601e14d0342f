import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** One operation of an action node: runs over all input items and returns the main output. */
export type OperationExecute = (this: IExecuteFunctions) => Promise<INodeExecutionData[]>;

/** resource -> operation -> execute. */
export type OperationTable = Record<string, Record<string, OperationExecute>>;

/**
 * The execute of an action node: picks the operation from the Resource and Operation parameters
 * (read once: n8n does not let them differ between items) and nothing else.
 */
export function operationRouter(
	operations: OperationTable,
): (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> {
	return async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resource = this.getNodeParameter('resource', 0) as string;
		const operation = this.getNodeParameter('operation', 0) as string;
		const execute = operations[resource]?.[operation];
		if (!execute) {
			throw new NodeOperationError(
				this.getNode(),
				`The operation "${operation}" is not supported for resource "${resource}"`,
			);
		}
		return [await execute.call(this)];
	};
}
