import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CommonOptions, Device } from '../../shared';
import {
	commonOptionsProperty,
	readCommonOptions,
	waitOptionFields,
	waitOptionFieldsWhileWaiting,
	withRaw,
} from '../../shared';
import { PROVIDERS, rmmProvider } from '../providers';
import type { RmmCapabilities, RmmCompany, RmmIdKind, RmmProvider } from '../providers/types';

type Show = { resource: string[]; operation: string[] };

/** An operation of the Operation list; `needs` names the capability a provider must have to offer it. */
export type OperationOption = INodePropertyOptions & { needs?: keyof RmmCapabilities };

/**
 * The Operation parameter of a resource, once per provider with only the operations that provider
 * can run (an option cannot be hidden on its own in every n8n version, a parameter can). A saved
 * value a provider lacks is kept and fails at run time with that RMM's reason.
 */
export function operationsByProvider(
	resource: string,
	options: OperationOption[],
	defaultValue: string,
): INodeProperties[] {
	return PROVIDERS.map((provider) => ({
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { provider: [provider.value], resource: [resource] } },
		options: options
			.filter((o) => !o.needs || provider.capabilities[o.needs])
			.map((o) => ({ name: o.name, value: o.value, description: o.description, action: o.action })),
		default: defaultValue,
	}));
}

/**
 * Device locator: pick from the list (searchable), by exact hostname, or by the RMM's device ID.
 * `byHostname: false` leaves the hostname mode out where an operation of its own does that lookup
 * (Device > Get by Hostname); a value saved in that mode still works (`resolveDevice`).
 */
export function deviceLocator(
	show: Show,
	description = 'The device in the RMM',
	{ byHostname = true }: { byHostname?: boolean } = {},
): INodeProperties {
	const locator: INodeProperties = {
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
						properties: {
							// Whole numbers (NinjaOne, Automate) or uids (Datto RMM); the provider checks its own form.
							regex:
								'^\\s*([1-9][0-9]*|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\\s*$',
							errorMessage: 'A device ID is a positive whole number, or a device uid for Datto RMM',
						},
					},
				],
			},
		],
	};
	// A mode can only be left out after the fact: n8n's lint reads a mode object outside `modes: [...]` as a parameter.
	if (!byHostname) locator.modes = locator.modes?.filter((mode) => mode.name !== 'hostname');
	return locator;
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
			'The NinjaOne organization, Automate client or Datto RMM site' +
			(required ? '' : '; leave empty for all'),
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
							regex:
								'^\\s*([1-9][0-9]*|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?\\s*$',
							errorMessage:
								'An organization ID is a positive whole number, or a site uid for Datto RMM',
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
						properties: {
							regex: '^\\s*([1-9][0-9]*|[A-Za-z0-9-]+)\\s*$',
							errorMessage:
								'A script ID is a positive whole number, or a component uid for Datto RMM',
						},
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

/**
 * Options of an operation that can wait for the device: the common ones plus Poll Interval and Wait
 * Timeout. With `whileWaiting` (an operation with a Wait for Completion switch) those two show only
 * while the switch is on; an operation that always waits shows them always.
 */
export function waitingOptionsProperty(
	show: Show,
	{ whileWaiting = false }: { whileWaiting?: boolean } = {},
): INodeProperties {
	return commonOptionsProperty(
		{ show },
		whileWaiting ? waitOptionFieldsWhileWaiting : waitOptionFields,
	);
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

/**
 * An id typed by the user (a field, a locator in By ID mode or an expression), checked against the
 * vendor's id shape before any request: the error names the field and what is allowed.
 */
export function checkedId(
	ctx: IExecuteFunctions,
	provider: RmmProvider,
	kind: RmmIdKind,
	field: string,
	value: string,
	itemIndex: number,
): string {
	const problem = provider.idProblem(kind, value);
	if (problem)
		throw new NodeOperationError(
			ctx.getNode(),
			`${field} "${value}" is not valid for ${provider.name}: ${problem}`,
			{ itemIndex, description: `${problem[0].toUpperCase()}${problem.slice(1)}.` },
		);
	return value.trim();
}

/** An optional Organization locator's value, checked when given. */
export function companyIdOf(
	ctx: IExecuteFunctions,
	provider: RmmProvider,
	itemIndex: number,
): string | undefined {
	const { value } = locatorValue(ctx, 'company', itemIndex);
	return value
		? checkedId(ctx, provider, 'company', 'Organization ID', value, itemIndex)
		: undefined;
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
	return await provider.getDevice(
		checkedId(ctx, provider, 'device', 'Device ID', value, itemIndex),
	);
}

/** Client option of Get by Hostname: the RMM organization (NinjaOne) or client (Automate), by ID or exact name. */
export const clientOptionField: INodeProperties = {
	displayName: 'Client',
	name: 'client',
	type: 'string',
	default: '',
	placeholder: 'e.g. Northwind Logistics or 2',
	description:
		'Only look in this client: the NinjaOne organization or Automate client, by ID or exact name (not case-sensitive). Use it when the same hostname exists at several clients.',
};

function clientLabel(company: { id: string; name?: string }): string {
	return company.name ? `${company.name} (id ${company.id})` : `client ${company.id}`;
}

function candidate(device: Device): string {
	const client = device.companyName
		? `client ${device.companyName} (${device.companyId ?? '?'})`
		: device.companyId
			? `client ${device.companyId}`
			: 'no client';
	const state = device.online === undefined ? '' : device.online ? 'online, ' : 'offline, ';
	return `${device.hostname} (id ${device.id}, ${client}, ${state}last seen ${device.lastSeen ?? 'unknown'})`;
}

/**
 * The organization/client a Client option names: an ID (when one has it) or an exact name, not
 * case-sensitive. A name several organizations share is an error listing them, never a guess.
 */
export async function resolveClient(
	ctx: IExecuteFunctions,
	provider: RmmProvider,
	client: string,
	itemIndex: number,
): Promise<RmmCompany> {
	const wanted = client.trim();
	const isId = provider.idProblem('company', wanted) === undefined;
	const companies = await provider.listCompanies(isId ? undefined : wanted);
	const byId = isId ? companies.find((c) => c.id === wanted) : undefined;
	if (byId) return byId;
	const key = wanted.toLowerCase();
	const byName = companies.filter((c) => c.name.trim().toLowerCase() === key);
	if (byName.length === 1) return byName[0];
	if (byName.length > 1)
		throw new NodeOperationError(
			ctx.getNode(),
			`Client "${wanted}" matches ${byName.length} ${provider.name} clients: ${byName.map(clientLabel).join('; ')}`,
			{ itemIndex, description: 'Set Client to the ID of the one you mean.' },
		);
	throw new NodeOperationError(
		ctx.getNode(),
		`${provider.name} has no client ${isId ? 'with ID or name' : 'named'} "${wanted}"`,
		{
			itemIndex,
			description:
				'Client is the NinjaOne organization or Automate client: its ID, or its exact name as the RMM shows it.',
		},
	);
}

/**
 * The one device with this hostname (exact, not case-sensitive), within `client` when given. Several
 * matches are an error listing each with its client and last contact; a hostname that exists only at
 * other clients is "not found in" the client, naming where it does exist.
 */
export async function deviceByHostname(
	ctx: IExecuteFunctions,
	provider: RmmProvider,
	hostname: string,
	itemIndex: number,
	client?: string,
): Promise<Device> {
	const company = client?.trim()
		? await resolveClient(ctx, provider, client, itemIndex)
		: undefined;
	const everywhere = await provider.findDevicesByHostname(hostname);
	const found = company ? everywhere.filter((d) => d.companyId === company.id) : everywhere;
	if (found.length === 1) return found[0];
	if (!found.length && company) {
		const elsewhere = [
			...new Map(
				everywhere.map((d) => [
					d.companyId ?? '',
					clientLabel({ id: d.companyId ?? '?', name: d.companyName }),
				]),
			).values(),
		];
		throw new NodeOperationError(
			ctx.getNode(),
			`${provider.name} has no device with hostname "${hostname}" in ${clientLabel(company)}` +
				(elsewhere.length
					? `; it exists in ${elsewhere.join(', ')}`
					: '; no other client has one either'),
			{
				itemIndex,
				description: elsewhere.length
					? 'Check the Client option: the device with this hostname belongs to another client.'
					: 'The hostname must match exactly (case does not matter). Use Device > Get Many with Hostname Contains for partial names.',
			},
		);
	}
	if (!found.length) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${provider.name} has no device with hostname "${hostname}"`,
			{
				itemIndex,
				description:
					'The hostname must match exactly (case does not matter). Use Device > Get Many with Hostname Contains for partial names.',
			},
		);
	}
	const where = company ? ` in ${clientLabel(company)}` : '';
	throw new NodeOperationError(
		ctx.getNode(),
		`${provider.name} has ${found.length} devices with hostname "${hostname}"${where}: ${found.map(candidate).join('; ')}`,
		{
			itemIndex,
			description: company
				? 'They are in the same client: get the device by its ID (Device > Get, By ID).'
				: "Set Options > Client to the client's name or ID to pick the one in the right client, or get the device by its ID (Device > Get, By ID).",
		},
	);
}

/** The device's name on an operation's output, with its join key, as device records carry both. */
export function deviceName(device: Pick<Device, 'hostname' | 'hostnameKey'>): IDataObject {
	return { hostname: device.hostname, hostnameKey: device.hostnameKey };
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
		...deviceName(device),
		status: 'skipped',
		reason: 'offline',
		lastSeen: device.lastSeen ?? null,
	};
}

export function out<T extends { raw?: unknown }>(value: T, includeRaw: boolean): IDataObject {
	return withRaw(value, includeRaw) as unknown as IDataObject;
}
