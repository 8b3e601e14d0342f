import type { IDataObject, IExecuteFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readCommonOptions } from '../../shared';
import { createProvider } from '../providers';
import type { DeviceRef, EdrProvider, EdrProviderName } from '../providers/types';

/** The provider for one item, with that item's dry-run choice. */
export function providerFor(ctx: IExecuteFunctions, itemIndex: number): EdrProvider {
	const name = ctx.getNodeParameter('provider', 0) as EdrProviderName;
	const { dryRun } = readCommonOptions(ctx, itemIndex);
	return createProvider(name, ctx, ctx.getNode(), { dryRun });
}

export function deviceRefOf(ctx: IExecuteFunctions, itemIndex: number): DeviceRef {
	const locator = ctx.getNodeParameter('device', itemIndex) as INodeParameterResourceLocator;
	const value = String(locator.value ?? '').trim();
	if (!value)
		throw new NodeOperationError(
			ctx.getNode(),
			'Device is empty: choose a device, or give its hostname or ID',
			{ itemIndex },
		);
	return locator.mode === 'hostname' ? { hostname: value } : { id: value };
}

export function threatIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	const id = String(ctx.getNodeParameter('threatId', itemIndex) ?? '').trim();
	if (!id)
		throw new NodeOperationError(
			ctx.getNode(),
			'Threat ID is empty: give a SentinelOne threat ID or a Defender alert ID',
			{ itemIndex },
		);
	return id;
}

export function asData<T extends object>(value: T): IDataObject {
	return value as unknown as IDataObject;
}
