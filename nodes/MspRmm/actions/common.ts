import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CommonOptions, Device } from '../../shared';
import { commonOptionsProperty, readCommonOptions, waitOptionFields, withRaw } from '../../shared';
import { rmmProvider } from '../providers';
import type { RmmProvider } from '../providers/types';

type Show = { resource: string[]; operation: string[] };

/** Device locator: pick from the list (searchable), by exact hostname, or by the RMM's device ID. */
export function deviceLocator(show: Show, description = 'The device in the RMM'): INodeProperties {
	return {
		displayName: 'Device',
		name: 'device',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchDevices', searchable: true },
			},
			{
				displayName: 'By Hostname',
				name: 'hostname',
				type: 'string',
				placeholder: 'NWL-WS03',
				hint: 'Exact hostname, not case-sensitive',
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '1013',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^\\s*[0-9]+\\s*$', errorMessage: 'A device ID is a number' },
					},
				],
			},
		],
	};
}

/** Organization (NinjaOne) or client (Automate) locator; optional where a filter. */
export function companyLocator(show: Show, required = false): INodeProperties {
	return {
		displayName: 'Organization',
		name: 'company',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required,
		description:
			'The NinjaOne organization or Automate client' + (required ? '' : '; leave empty for all'),
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchCompanies', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '2',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^\\s*[0-9]*\\s*$',
							errorMessage: 'An organization ID is a number',
						},
					},
				],
			},
		],
	};
}

export function scriptLocator(show: Show): INodeProperties {
	return {
		displayName: 'Script',
		name: 'script',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		displayOptions: { show },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchScripts', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: '105',
				validation: [
					{
						type: 'regex',
						properties: { regex: '^\\s*[0-9]+\\s*$', errorMessage: 'A script ID is a number' },
					},
				],
			},
		],
	};
}

export const failIfOfflineField: INodeProperties = {
	displayName: 'Fail If Offline',
	name: 'failIfOffline',
	type: 'boolean',
	default: false,
	description:
		'Whether an offline device fails the item instead of returning it with status "skipped" and reason "offline"',
};

export const waitField: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: false,
	description:
		'Whether to poll until the run finishes or the wait timeout passes (then the last state is returned with timedOut: true)',
};

export function optionsProperty(show: Show, extra: INodeProperties[] = []): INodeProperties {
	return commonOptionsProperty({ show }, extra);
}

/** Options of an operation that can wait for the device: the common ones plus Poll Interval and Wait Timeout. */
export function waitingOptionsProperty(show: Show): INodeProperties {
	return commonOptionsProperty({ show }, waitOptionFields);
}

export interface ItemContext {
	provider: RmmProvider;
	options: CommonOptions;
	extra: IDataObject;
}

/** Provider and options of the node; the transport is dry-run aware. */
export function setup(ctx: IExecuteFunctions): { provider: RmmProvider; options: CommonOptions } {
	const options = readCommonOptions(ctx, 0);
	const provider = rmmProvider(ctx, ctx.getNodeParameter('provider', 0) as string, {
		dryRun: options.dryRun,
	});
	return { provider, options };
}

/** The value of a resource locator (or a plain string from an expression), trimmed. */
export function locatorValue(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
): { mode: string; value: string } {
	const raw = ctx.getNodeParameter(name, itemIndex, '') as unknown;
	if (raw && typeof raw === 'object') {
		const locator = raw as { mode?: string; value?: unknown };
		return { mode: locator.mode ?? 'id', value: String(locator.value ?? '').trim() };
	}
	return { mode: 'id', value: String(raw ?? '').trim() };
}

/** The device of the item: by id, list pick or exact hostname (several matches is an error listing them). */
export async function resolveDevice(
	ctx: IExecuteFunctions,
	provider: RmmProvider,
	itemIndex: number,
): Promise<Device> {
	const { mode, value } = locatorValue(ctx, 'device', itemIndex);
	if (!value)
		throw new NodeOperationError(ctx.getNode(), 'Device is empty', {
			itemIndex,
			description: 'Pick a device, or give its hostname or ID',
		});
	if (mode === 'hostname') return await deviceByHostname(ctx, provider, value, itemIndex);
	return await provider.getDevice(value);
}

export async function deviceByHostname(
	ctx: IExecuteFunctions,
	provider: RmmProvider,
	hostname: string,
	itemIndex: number,
): Promise<Device> {
	const found = await provider.findDevicesByHostname(hostname);
	if (found.length === 1) return found[0];
	if (!found.length) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${provider.name} has no device with hostname "${hostname}"`,
			{
				itemIndex,
				description:
					'The hostname must match exactly (case does not matter). Use Search Devices for partial names.',
			},
		);
	}
	const list = found
		.map(
			(d) =>
				`${d.hostname} (id ${d.id}${d.companyName ? `, ${d.companyName}` : d.companyId ? `, organization ${d.companyId}` : ''})`,
		)
		.join('; ');
	throw new NodeOperationError(
		ctx.getNode(),
		`${provider.name} has ${found.length} devices with hostname "${hostname}": ${list}`,
		{ itemIndex, description: 'Pick the device by ID.' },
	);
}

/** What an action on an offline device returns, unless Fail If Offline is on. */
export function offlineResult(
	ctx: IExecuteFunctions,
	device: Device,
	itemIndex: number,
	action: string,
): IDataObject {
	if (ctx.getNodeParameter('failIfOffline', itemIndex, false) === true) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Device ${device.hostname} (id ${device.id}) is offline: cannot ${action}`,
			{ itemIndex, description: 'Turn off Fail If Offline to get a skipped item instead.' },
		);
	}
	return {
		deviceId: device.id,
		hostname: device.hostname,
		status: 'skipped',
		reason: 'offline',
		lastSeen: device.lastSeen ?? null,
	};
}

export function out<T extends { raw?: unknown }>(value: T, includeRaw: boolean): IDataObject {
	return withRaw(value, includeRaw) as unknown as IDataObject;
}
