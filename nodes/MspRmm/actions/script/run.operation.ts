import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancelSignalOf, runPerItem } from '../../../shared';
import { PROVIDERS } from '../../providers';
import type { RmmEditorFacts, RmmProvider } from '../../providers/types';
import {
	checkedId,
	deviceLocator,
	deviceName,
	failIfOfflineField,
	locatorValue,
	offlineResult,
	out,
	resolveDevice,
	scriptLocator,
	setup,
	waitField,
	waitingOptionsProperty,
} from '../common';
import { waitForScript } from '../wait';

const show = { resource: ['script'], operation: ['run'] };

/** The Run As choice that stands for a saved credential, given by id in Run As Credential ID. */
const SAVED_CREDENTIAL = 'credential';

/** Parameters, once per provider: each RMM takes them in its own form (same name, so saved values stay). */
function parametersField(provider: RmmEditorFacts): INodeProperties {
	return {
		displayName: 'Parameters',
		name: 'parameters',
		type: 'string',
		default: '',
		placeholder: provider.scriptParameters.placeholder,
		description: provider.scriptParameters.description,
		displayOptions: { show: { ...show, provider: [provider.value] } },
	};
}

/**
 * Run As, only for an RMM that lets the caller choose: its accounts, or a saved credential by id.
 * A value saved when this was free text (a role in the vendor's spelling, or a credential id) is
 * still taken, so arbitrary values are allowed.
 */
function runAsFields(provider: RmmEditorFacts): INodeProperties[] {
	if (!provider.capabilities.scriptRunAs || !provider.runAs?.length) return [];
	const where = { ...show, provider: [provider.value] };
	const first = provider.runAs[0].value;
	return [
		{
			displayName: 'Run As',
			name: 'runAs',
			type: 'options',
			default: first,
			allowArbitraryValues: true,
			options: [
				...provider.runAs,
				{
					name: 'Saved Credential (by ID)',
					value: SAVED_CREDENTIAL,
					description: `A credential saved in ${provider.name}, by its ID`,
				},
			],
			description: `The account the script runs as; ${provider.name} checks it against what the device offers`,
			displayOptions: { show: where },
		},
		{
			displayName: 'Run As Credential ID',
			name: 'runAsCredential',
			type: 'string',
			default: '',
			required: true,
			placeholder: '26',
			description: `The ID of the saved ${provider.name} credential`,
			displayOptions: { show: { ...where, runAs: [SAVED_CREDENTIAL] } },
		},
	];
}

export const description: INodeProperties[] = [
	deviceLocator(show),
	scriptLocator(show),
	...PROVIDERS.map(parametersField),
	...PROVIDERS.flatMap(runAsFields),
	{
		displayName: 'Skip If Run Since',
		name: 'skipIfRunSince',
		type: 'dateTime',
		default: '',
		description:
			'When the RMM shows this script started on the device at or after this time (for example when the incident ticket was opened), return that run with alreadyRan: true instead of starting another. Leave empty to always start a run.',
		displayOptions: { show },
	},
	{ ...failIfOfflineField, displayOptions: { show } },
	{ ...waitField, displayOptions: { show } },
	waitingOptionsProperty(show, { whileWaiting: true }),
];

/** Who the script runs as, where the RMM lets the caller choose; undefined elsewhere (Automate). */
function runAsOf(ctx: IExecuteFunctions, provider: RmmProvider, i: number): string | undefined {
	if (!provider.capabilities.scriptRunAs) return undefined;
	const chosen = String(ctx.getNodeParameter('runAs', i, '') ?? '').trim();
	if (chosen !== SAVED_CREDENTIAL) return chosen || undefined;
	const id = String(ctx.getNodeParameter('runAsCredential', i, '') ?? '').trim();
	if (!/^[1-9][0-9]*$/.test(id))
		throw new NodeOperationError(
			ctx.getNode(),
			`Run As Credential ID "${id}" is not valid: a credential ID is a positive whole number, for example 26`,
			{ itemIndex: i },
		);
	return id;
}

/** The script's parameters, checked against the RMM's form before anything is sent. */
function parametersOf(ctx: IExecuteFunctions, provider: RmmProvider, i: number): string {
	const parameters = String(ctx.getNodeParameter('parameters', i, '') ?? '');
	const problem = provider.scriptParametersProblem(parameters);
	if (problem)
		throw new NodeOperationError(
			ctx.getNode(),
			`Parameters are not valid for ${provider.name}: ${problem}`,
			{ itemIndex: i },
		);
	return parameters;
}

/** Skip If Run Since as an ISO time, or undefined when empty; a value that is not a time is refused. */
function skipIfRunSinceOf(ctx: IExecuteFunctions, i: number): string | undefined {
	const raw = ctx.getNodeParameter('skipIfRunSince', i, '') as unknown;
	const text = (raw instanceof Date ? raw.toISOString() : String(raw ?? '')).trim();
	if (!text) return undefined;
	const at = Date.parse(text);
	if (Number.isNaN(at))
		throw new NodeOperationError(ctx.getNode(), `Skip If Run Since "${text}" is not a time`, {
			itemIndex: i,
			description: 'Give an ISO 8601 time, for example 2026-11-03T14:05:00Z, or leave it empty',
		});
	return new Date(at).toISOString();
}

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { provider, options } = setup(this);
	return await runPerItem(this, { concurrency: options.concurrency }, async (i) => {
		const script = locatorValue(this, 'script', i).value;
		if (!script)
			throw new NodeOperationError(this.getNode(), 'Script is empty', {
				itemIndex: i,
				description: 'Pick a script from the list or give its ID',
			});
		const scriptId = checkedId(this, provider, 'script', 'Script ID', script, i);
		const parameters = parametersOf(this, provider, i);
		const runAs = runAsOf(this, provider, i);
		const since = skipIfRunSinceOf(this, i);
		const device = await resolveDevice(this, provider, i);
		const earlier = since
			? await provider.findScriptRunSince(device.id, scriptId, since)
			: undefined;
		if (earlier)
			return {
				...out(earlier, options.includeRaw),
				...deviceName(device),
				alreadyRan: true,
			} as IDataObject;
		if (device.online === false) return offlineResult(this, device, i, 'run a script');
		const job = await provider.runScript({
			deviceId: device.id,
			scriptId,
			parameters: parameters || undefined,
			runAs,
		});
		if (!this.getNodeParameter('waitForCompletion', i, false))
			return { ...out(job, options.includeRaw), ...deviceName(device) } as IDataObject;
		const done = await waitForScript(provider, device.id, job.id, {
			timeoutMs: options.waitTimeoutMs,
			intervalMs: options.pollIntervalMs,
			signal: cancelSignalOf(this),
		});
		return { ...out(done, options.includeRaw), ...deviceName(device) } as IDataObject;
	});
}
