import type { INode } from 'n8n-workflow';
import type { z } from 'zod';

import type { RequestSpec, Transport } from './transport';
import { parseVendorResponse } from './validate';

/**
 * Sends one request and checks the answer against the shape the provider relies on, naming the
 * profile's vendor and the operation when it does not fit. GET unless `spec.method` says otherwise.
 */
export async function requestParsed<S extends z.ZodTypeAny>(
	transport: Transport,
	node: INode,
	schema: S,
	spec: Omit<RequestSpec, 'method'> & Partial<Pick<RequestSpec, 'method'>>,
): Promise<z.output<S>> {
	const body = await transport.request({ method: 'GET', ...spec });
	return parseVendorResponse(node, schema, body, {
		vendor: transport.profile.vendor,
		operation: spec.operation,
	});
}
