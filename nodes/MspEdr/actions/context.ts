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

/** One provider for the whole execution; writes honour each item's dry run where the operation passes it. */
export function executionProvider(ctx: IExecuteFunctions): EdrProvider {
	const name = ctx.getNodeParameter('provider', 0) as EdrProviderName;
	return createProvider(name, ctx, ctx.getNode());
}

const MODE_LABEL: Record<string, string> = {
	list: 'Device (From List)',
	hostname: 'Device (By Hostname)',
	id: 'Device (By ID)',
};

/**
 * The item's device, checked before any request: present, exactly one device (no comma, semicolon
 * or whitespace, which would select several in a vendor filter), and for an ID the shape the
 * provider's vendor uses. Errors name the field and the item.
 */
export function deviceRefOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider?: EdrProvider,
): DeviceRef {
	const node = ctx.getNode();
	const locator = ctx.getNodeParameter('device', itemIndex) as INodeParameterResourceLocator;
	const raw: unknown = locator?.value;
	const field = MODE_LABEL[String(locator?.mode)] ?? 'Device';
	if (typeof raw === 'number' && !Number.isSafeInteger(raw))
		throw new NodeOperationError(
			node,
			`${field} arrived as the number ${String(raw)}, which cannot hold the device ID exactly`,
			{
				itemIndex,
				description:
					'Pass the ID as text (for example {{ String($json.agentId) }} or the original string field): long numeric IDs lose digits as numbers.',
			},
		);
	const value = String(raw ?? '').trim();
	if (!value)
		throw new NodeOperationError(
			node,
			`${field} is empty: choose a device, or give its hostname or ID`,
			{ itemIndex },
		);
	if (/[,;\s]/.test(value))
		throw new NodeOperationError(
			node,
			`${field} "${value}" is not a single device: it contains a comma, semicolon or whitespace`,
			{
				itemIndex,
				description:
					'Give one device per input item; to act on several devices, send one item per device.',
			},
		);
	if (locator.mode === 'hostname') return { hostname: value };
	const problem = provider?.deviceIdProblem(value);
	if (problem)
		throw new NodeOperationError(node, `${field}: ${problem}`, {
			itemIndex,
			description: 'Use the ID the EDR shows for the device, or choose the device By Hostname.',
		});
	return { id: value };
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
