import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { cancelSignalOf, pollUntil, readCommonOptions, runPerItem, withRaw } from '../../../shared';
import type { MitigationKind } from '../../providers/types';
import { asData, providerFor, threatIdOf } from '../context';

const show = { resource: ['mitigation'], operation: ['run'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Action',
		name: 'mitigationAction',
		type: 'options',
		options: [
			{ name: 'Kill Processes', value: 'kill' },
			{ name: 'Quarantine File', value: 'quarantine' },
			{
				name: 'Remediate',
				value: 'remediate',
				description: 'Undo changes made by the threat (Windows and macOS)',
			},
			{
				name: 'Rollback',
				value: 'rollback',
				description: 'Restore files from shadow copies (Windows)',
			},
		],
		default: 'quarantine',
		displayOptions: { show: { ...show, '/provider': ['sentinelOne'] } },
	},
	{
		displayName: 'Action',
		name: 'mitigationAction',
		type: 'options',
		options: [
			{
				name: 'Stop and Quarantine File',
				value: 'stopAndQuarantineFile',
				description: "Stops the alert's file (by SHA-1) and quarantines it",
			},
			{ name: 'Run Antivirus Scan', value: 'antivirusScan' },
		],
		default: 'stopAndQuarantineFile',
		displayOptions: { show: { ...show, '/provider': ['microsoftDefender'] } },
	},
	{
		displayName: 'Action',
		name: 'mitigationAction',
		type: 'options',
		options: [
			{
				name: 'Approve Remediations',
				value: 'approveRemediations',
				description:
					'Approve every remediation Huntress proposes for the incident report (assisted ones run at once)',
			},
			{
				name: 'Quarantine File',
				value: 'quarantine',
				description:
					'Approve the Quarantine File remediations Huntress proposes; refused when it proposes anything else',
			},
			{
				name: 'Reject Remediations',
				value: 'rejectRemediations',
				description: 'Reject the proposed remediations; the comment tells the Huntress SOC why',
			},
		],
		default: 'approveRemediations',
		displayOptions: { show: { ...show, '/provider': ['huntress'] } },
	},
	{
		displayName:
			'CrowdStrike Falcon mitigates through Real Time Response sessions, which this node does not run: contain the host with Containment > Isolate, or act in the Falcon console. With Skip If Already Mitigated, an alert Falcon prevented (process killed or blocked, file quarantined) returns succeeded',
		name: 'crowdStrikeMitigationNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { ...show, '/provider': ['crowdStrike'] } },
	},
	{
		displayName: 'Scan Type',
		name: 'scanType',
		type: 'options',
		options: [
			{ name: 'Quick', value: 'Quick' },
			{ name: 'Full', value: 'Full' },
		],
		default: 'Quick',
		displayOptions: {
			show: { ...show, '/provider': ['microsoftDefender'], mitigationAction: ['antivirusScan'] },
		},
	},
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		default: '',
		description:
			'Reason recorded with the action (Defender requires one; a default is used when empty)',
		displayOptions: { show },
	},
	{
		displayName: 'Skip If Already Mitigated',
		name: 'skipIfMitigated',
		type: 'boolean',
		default: false,
		description:
			'Whether to send nothing when the EDR already shows the threat mitigated, and return that as succeeded with alreadyMitigated: true (a rerun after a failure does not mitigate again)',
		displayOptions: { show },
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description: 'Whether to poll until the action succeeded or failed, up to the wait timeout',
		displayOptions: { show },
	},
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runPerItem(
		this,
		{ concurrency: readCommonOptions(this, 0).concurrency },
		async (i) => {
			const options = readCommonOptions(this, i);
			const provider = providerFor(this, i);
			const skipIfMitigated = this.getNodeParameter('skipIfMitigated', i, false) === true;
			const noMitigation = () =>
				new NodeOperationError(this.getNode(), `${provider.label} offers no mitigation here`, {
					itemIndex: i,
					description: 'Nothing was sent. Contain the device (Containment > Isolate) instead.',
				});
			// Without Skip If Already Mitigated nothing is read: the refusal comes before any request.
			if (!provider.mitigations.length && !skipIfMitigated) throw noMitigation();
			const kind = this.getNodeParameter('mitigationAction', i, '') as MitigationKind;
			if (provider.mitigations.length && !provider.mitigations.includes(kind)) {
				throw new NodeOperationError(this.getNode(), `${provider.label} has no "${kind}" action`, {
					itemIndex: i,
					description: `Choose one of: ${provider.mitigations.join(', ')}`,
				});
			}
			const threat = await provider.getThreat(threatIdOf(this, i));
			// The threat is read right before the action anyway, so the check costs no request. An EDR that offers no
			// mitigation here can still have blocked or quarantined the threat itself (a prevention policy): that is
			// succeeded too, and anything else is refused.
			if (skipIfMitigated && /^mitigated$/i.test(String(threat.mitigationStatus ?? '')))
				return asData({
					threatId: threat.id,
					deviceId: threat.deviceId,
					action: kind,
					status: 'succeeded',
					alreadyMitigated: true,
				});
			if (!provider.mitigations.length) throw noMitigation();
			const comment = String(
				this.getNodeParameter('comment', i, '') || `Mitigation ${kind} by n8n`,
			);
			const scanType =
				kind === 'antivirusScan'
					? (this.getNodeParameter('scanType', i, 'Quick') as 'Quick' | 'Full')
					: undefined;
			let action = await provider.mitigate({ kind, threat, comment, scanType });
			if (this.getNodeParameter('waitForCompletion', i, false) as boolean) {
				const result = await pollUntil({
					timeoutMs: options.waitTimeoutMs,
					intervalMs: options.pollIntervalMs,
					signal: cancelSignalOf(this),
					check: async () => {
						const current = await provider.readMitigation(action);
						return { done: current.status !== 'pending', value: current };
					},
				});
				action = result.timedOut ? { ...result.value, raw: result.value.raw } : result.value;
				if (result.timedOut)
					return asData({ ...withRaw(action, options.includeRaw), timedOut: true });
			}
			return asData(withRaw(action, options.includeRaw));
		},
	);
}
