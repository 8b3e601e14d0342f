import type { INodeProperties } from 'n8n-workflow';

import { MAX_CONCURRENCY } from '../../shared/actions/commonOptions';
import { DEFAULT_STRIPPED_FIELDS } from '../model/strip';
import { DEFAULT_CRITICAL_HOST_PATTERNS } from '../rules/config';

/** Output order is the route order users see left to right; `ROUTE_OUTPUT` maps a route to its index. */
// Short enough for the canvas, which cuts a connected output's label at about 96 pixels.
export const OUTPUT_NAMES = ['Contain', 'Approval', 'Investigate', 'Dismiss'];
export const ROUTE_OUTPUT = { contain: 0, needsApproval: 1, investigate: 2, dismiss: 3 } as const;

const ruleOptions = [
	{
		name: 'Allow-Listed Signed Tool',
		value: 'allow-listed-tool',
		description: 'Known-good signed tools may be dismissed when the model agrees',
	},
	{
		name: 'Critical Asset',
		value: 'critical-asset',
		description: 'Servers and other critical assets need approval instead of automatic containment',
	},
	{
		name: 'EDR False Positive',
		value: 'edr-false-positive',
		description: "The EDR's false-positive verdict allows a dismissal",
	},
	{
		name: 'EDR Malicious Verdict',
		value: 'edr-malicious-verdict',
		description: 'Severity floor high and route Contain when the EDR says malicious',
	},
	{
		name: 'Instructions in Alert Data',
		value: 'instructions-in-alert-data',
		description: 'Alert text that tries to instruct an AI keeps the alert at Investigate or above',
	},
	{
		name: 'Known-Bad Hash',
		value: 'known-bad-hash',
		description: 'Severity floor critical and route Contain for listed hashes',
	},
	{
		name: 'Ransomware Behaviour',
		value: 'ransomware-behaviour',
		description:
			'Severity floor critical and route Contain for shadow-copy deletion, mass encryption and similar',
	},
];

export const properties: INodeProperties[] = [
	{
		displayName:
			'The Model input is optional: with a chat model connected, AI decides within the guardrails; without one, the rules decide alone (rules-only mode).',
		name: 'modelNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Alert',
		name: 'alert',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description:
			'The alert or threat to triage: by default the whole input item (the normalized Threat from MSP EDR). Map RMM or PSA alerts with an expression, e.g. {{ { hostname: $JSON.device, severity: $JSON.priority, title: $JSON.message } }}.',
	},
	{
		displayName: 'Rules',
		name: 'enabledRules',
		type: 'multiOptions',
		options: ruleOptions,
		default: [
			'allow-listed-tool',
			'critical-asset',
			'edr-false-positive',
			'edr-malicious-verdict',
			'instructions-in-alert-data',
			'known-bad-hash',
			'ransomware-behaviour',
		],
		description:
			'Which deterministic rules run. They apply with or without a model. Dangerous behaviour (credential access, download cradles, encoded commands, tampering, lateral movement) is always checked.',
	},
	{
		displayName: 'Known-Bad Hashes',
		name: 'knownBadHashes',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'e.g. 3f786850e387550fdab836ed7e6dc881de23001b',
		description: 'SHA-256, SHA-1 or MD5 hashes, separated by commas or new lines',
	},
	{
		displayName: 'Critical Hostnames',
		name: 'criticalHostPatterns',
		type: 'string',
		default: DEFAULT_CRITICAL_HOST_PATTERNS,
		description:
			'Hostname patterns (* and ? wildcards, comma-separated) of devices that never get contained without approval',
	},
	{
		displayName: 'Critical Device Types',
		name: 'criticalDeviceTypes',
		type: 'multiOptions',
		options: [
			{ name: 'Server', value: 'server' },
			{ name: 'Domain Controller', value: 'domainController' },
			{ name: 'Workstation', value: 'workstation' },
		],
		default: ['server', 'domainController'],
		description: 'Device types that never get contained without approval',
	},
	{
		displayName: 'Allow-Listed Signed Tools',
		name: 'allowListedTools',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder:
			'e.g. PsExec64.exe | Microsoft Corporation | PsExec64.exe \\\\* -s cmd /c "gpupdate /force"',
		description:
			'Known-good signed tools, one per line: process name, optionally "| signer" and "| command-line shape" (* matches any text, over the whole command line). A match is dismissed only when the model agrees, and never when the command shows dangerous behaviour.',
	},
	{
		displayName: 'Auto-Contain Confidence',
		name: 'autoContainConfidence',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: 0.8,
		description:
			'Containment happens automatically only at or above this confidence; below it the alert needs approval',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
				default: 4,
				description: 'How many alerts are sent to the model at the same time',
			},
			{
				displayName: 'Extra Ransomware Patterns',
				name: 'extraRansomwarePatterns',
				type: 'string',
				typeOptions: { rows: 3 },
				default: '',
				description:
					'Regular expressions, one per line, matched case-insensitively against the alert text in addition to the built-in ones',
			},
			{
				displayName: 'Fields Not Sent to Model',
				name: 'strippedFields',
				type: 'string',
				default: DEFAULT_STRIPPED_FIELDS,
				description:
					'Secrets and personal data removed before anything goes to the model: key names (any depth) or dotted paths, comma-separated. Secret-looking keys are always removed.',
			},
			{
				displayName: 'Include Raw in Prompt',
				name: 'includeRawInPrompt',
				type: 'boolean',
				default: false,
				description:
					"Whether to send the vendor's original object (raw) to the model as well; facts the rules read from it are sent either way",
			},
			{
				displayName: 'Model Timeout (Seconds)',
				name: 'modelTimeout',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description: 'How long to wait for each model answer before the rules decide',
			},
			{
				displayName: 'Output Field',
				name: 'outputField',
				type: 'string',
				default: 'triage',
				description: 'Name of the field that holds the verdict on each output item',
			},
		],
	},
];
