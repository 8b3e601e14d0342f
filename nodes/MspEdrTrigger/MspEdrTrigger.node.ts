import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	providerProperty,
	SEVERITY_OPTIONS,
	STATUS_OPTIONS,
} from '../MspEdr/actions/common.descriptions';
import { CREDENTIAL_OF, createProvider } from '../MspEdr/providers';
import type { EdrProviderName, ThreatQuery } from '../MspEdr/providers/types';
import type { Severity, Threat, ThreatStatus } from '../shared';
import { withRaw } from '../shared';
import { credentialPerProvider } from '../shared/actions/providerCredentials';
import { optionSubtitle } from '../shared/actions/subtitle';
import { planSince, selectNew, upgradeState, windowOf, type TriggerState } from './checkpoint';
import { hostClock } from './hostClock';

const ORDER: Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];
/** "Fetch Test Event" shows this many of the most recent threats. */
const MANUAL_SAMPLE = 5;

export class MspEdrTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MSP EDR Trigger',
		name: 'mspEdrTrigger',
		icon: { light: 'file:mspEdrTrigger.svg', dark: 'file:mspEdrTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: optionSubtitle('New threats in ', providerProperty),
		description:
			'Starts the workflow when SentinelOne or Microsoft Defender for Endpoint reports a new threat',
		defaults: { name: 'MSP EDR Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Offered only while its provider is chosen, without hiding the Provider in the editor.
		credentials: credentialPerProvider(CREDENTIAL_OF),
		properties: [
			providerProperty,
			{
				displayName: 'Minimum Severity',
				name: 'minSeverity',
				type: 'options',
				options: [...SEVERITY_OPTIONS].reverse(),
				default: 'informational',
				description:
					'SentinelOne has confidence levels only: malicious counts as high, suspicious as medium',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: STATUS_OPTIONS,
				default: [],
				description: 'Only threats in these states; empty means any',
			},
			{
				displayName: 'Sites or Machine Groups',
				name: 'groups',
				type: 'string',
				default: '',
				description:
					'Comma-separated SentinelOne site IDs, Defender machine group names, Huntress organization IDs or CrowdStrike CIDs; empty means all',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Include Raw',
						name: 'includeRaw',
						type: 'boolean',
						default: false,
						description: "Whether to include the vendor's original object under raw",
					},
					{
						displayName: 'Look Back on First Poll (Minutes)',
						name: 'firstLookbackMinutes',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 60,
						description:
							'How far back the first poll after activation reads; later polls continue from the last threat seen',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const name = this.getNodeParameter('provider') as EdrProviderName;
		const minSeverity = this.getNodeParameter('minSeverity', 'informational') as Severity;
		const statuses = this.getNodeParameter('statuses', []) as ThreatStatus[];
		const groups = String(this.getNodeParameter('groups', '') ?? '')
			.split(',')
			.map((g) => g.trim())
			.filter(Boolean);
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const provider = createProvider(name, this, this.getNode());
		const query: ThreatQuery = {
			severities:
				minSeverity === 'informational' ? undefined : ORDER.slice(ORDER.indexOf(minSeverity)),
			statuses: statuses.length ? statuses : undefined,
			groups: groups.length ? groups : undefined,
			returnAll: true,
		};
		const emit = (threats: Threat[]) => [
			this.helpers.returnJsonArray(
				withRaw(threats, options.includeRaw === true) as unknown as IDataObject[],
			),
		];

		if (this.getMode() === 'manual') {
			const recent = await provider.listThreats({
				...query,
				returnAll: false,
				limit: MANUAL_SAMPLE,
			});
			return recent.length ? emit(recent) : null;
		}

		const staticData = this.getWorkflowStaticData('node') as TriggerState;
		const state = upgradeState(staticData);
		const lookbackMs = Number(options.firstLookbackMinutes ?? 60) * 60_000;
		const hostNow = hostClock.now();
		const since = planSince(state, hostNow, lookbackMs);
		let reading = await provider.readThreats({
			...query,
			changedSince: new Date(since).toISOString(),
		});
		// The vendor's clock decides; the host's is the fallback for a vendor that sends no Date.
		const vendorNow = Date.parse(reading.vendorNow ?? '');
		const window = windowOf(
			state,
			since,
			Number.isFinite(vendorNow) ? vendorNow : hostNow,
			lookbackMs,
		);
		if (window.rereadFrom !== undefined) {
			reading = await provider.readThreats({
				...query,
				changedSince: new Date(window.rereadFrom).toISOString(),
			});
		}
		const { fresh, next } = selectNew(state, reading.threats, window);
		saveState(staticData, next);
		return fresh.length ? emit(fresh) : null;
	}
}

/** Writes the new state over the old in place: n8n saves static data it sees changed. */
function saveState(staticData: TriggerState, next: TriggerState): void {
	staticData.checkpoint = next.checkpoint;
	staticData.seen = next.seen;
	if (next.floor === undefined) delete staticData.floor;
	else staticData.floor = next.floor;
	// Version 1's list now lives in `seen`.
	delete staticData.emitted;
}
