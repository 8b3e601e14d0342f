import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DeviceType } from '../../../shared';
import { cancelSignalOf, readCommonOptions, runBatched, withRaw } from '../../../shared';
import type { ContainmentKind, EdrProvider } from '../../providers/types';
import { asData, deviceRefOf, executionProvider } from '../context';
import type { Checked, ContainTarget, ProtectedRole } from './contain';
import { checkContainment, parsePatterns, PROTECTED_ROLES, sendContainment } from './contain';

/** Default of Never Isolate (Hostname Patterns) when the option is not set. */
export const DEFAULT_PROTECTED_PATTERNS = '*-DC*';

interface Planned {
	target: ContainTarget;
	includeRaw: boolean;
}

interface Cleared {
	checked: Checked;
	includeRaw: boolean;
}

/**
 * All input items go through one containment run, so a vendor with a batch endpoint gets one
 * request for many devices, while each item keeps its own device, comment, waiting, protection and
 * dry run. Every item is validated, resolved and checked against protection before any isolation
 * or release is sent: without Continue On Fail an invalid or refused item fails the node before
 * anything is written; with it, that item is an error item and the others go on.
 */
export async function executeContainment(
	ctx: IExecuteFunctions,
	kind: ContainmentKind,
): Promise<INodeExecutionData[]> {
	const provider = executionProvider(ctx);
	const node = ctx.getNode();
	return await runBatched<Planned, Cleared>(ctx, {
		prepare: (itemIndex) => readItem(ctx, itemIndex, provider, kind),
		check: async (entries) => {
			const checked = await checkContainment(
				provider,
				node,
				kind,
				entries.map((e) => e.value.target),
			);
			return checked.map((c, k) =>
				c instanceof Error ? c : { checked: c, includeRaw: entries[k].value.includeRaw },
			);
		},
		act: async (entries) => {
			const results = await sendContainment(
				provider,
				node,
				{ kind, signal: cancelSignalOf(ctx) },
				entries.map((e) => e.value.checked),
			);
			return results.map((r, k) =>
				r instanceof Error ? r : asData(withRaw(r, entries[k].value.includeRaw)),
			);
		},
	});
}

/** One item's device and options, validated without sending anything. */
function readItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: EdrProvider,
	kind: ContainmentKind,
): Planned {
	const ref = deviceRefOf(ctx, itemIndex, provider);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	secondsOf(ctx, itemIndex, options.waitTimeout, 'Wait Timeout (Seconds)', 'waitTimeout');
	secondsOf(ctx, itemIndex, options.pollInterval, 'Poll Interval (Seconds)', 'pollInterval');
	const common = readCommonOptions(ctx, itemIndex);
	const comment = String(ctx.getNodeParameter('comment', itemIndex, '') ?? '').trim();
	return {
		includeRaw: common.includeRaw,
		target: {
			ref,
			options: {
				comment: comment || `${kind === 'isolate' ? 'Isolated' : 'Released'} by n8n`,
				wait: flagOf(ctx.getNodeParameter('waitForCompletion', itemIndex, false)),
				timeoutMs: common.waitTimeoutMs,
				intervalMs: common.pollIntervalMs,
				dryRun: common.dryRun,
				protection: {
					patterns: parsePatterns(
						(options.protectedHostnames ?? DEFAULT_PROTECTED_PATTERNS) as string | string[],
					),
					roles: protectedRolesOf(ctx, itemIndex, options.protectedRoles),
					knownRole: knownRoleOf(ctx, itemIndex, options.deviceRole),
					override: flagOf(options.overrideProtection),
				},
			},
		},
	};
}

function flagOf(value: unknown): boolean {
	return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && !value.trim());
}

/** A seconds option: empty means its default; otherwise a number, 0 or more. */
function secondsOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	label: string,
	name: string,
): void {
	if (isEmpty(value)) return;
	const seconds = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`${label} must be a number of seconds, 0 or more, not ${JSON.stringify(value)}`,
		{
			itemIndex,
			description: `Fix the option "${label}" (options.${name}) of this item; leave it empty for the default.`,
		},
	);
}

const ROLE_WORDS: Record<string, DeviceType> = {
	workstation: 'workstation',
	server: 'server',
	domaincontroller: 'domainController',
	dc: 'domainController',
};

function roleWord(value: string): DeviceType | undefined {
	return ROLE_WORDS[
		value
			.trim()
			.toLowerCase()
			.replace(/[\s_-]+/g, '')
	];
}

/**
 * Known Device Role: empty is unknown; workstation, server or domainController in any case, also
 * "domain controller" or "dc". Anything else is an error naming the field.
 */
function knownRoleOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): DeviceType | undefined {
	if (isEmpty(value)) return undefined;
	const role = typeof value === 'string' ? roleWord(value) : undefined;
	if (role) return role;
	throw new NodeOperationError(
		ctx.getNode(),
		`Known Device Role ${JSON.stringify(value)} is not a role: use workstation, server or domainController (also "domain controller" or "dc"), or leave it empty when the role is unknown`,
		{
			itemIndex,
			description:
				'Fix the option "Known Device Role" (options.deviceRole), for example {{ $(\'MSP RMM\').item.json.type }} (the type of the device in MSP RMM).',
		},
	);
}

/** Protected Roles: a list (or comma-separated text from an expression) of server, domainController. */
function protectedRolesOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
): ProtectedRole[] {
	if (value === undefined || value === null) return [...PROTECTED_ROLES];
	const words = Array.isArray(value)
		? value.map(String)
		: typeof value === 'string'
			? value.split(',')
			: [JSON.stringify(value)];
	const roles: ProtectedRole[] = [];
	for (const word of words.filter((w) => w.trim())) {
		const role = roleWord(word);
		if (role && role !== 'workstation') {
			if (!roles.includes(role)) roles.push(role);
			continue;
		}
		throw new NodeOperationError(
			ctx.getNode(),
			`Protected Roles: ${JSON.stringify(word)} is not a role that can be protected: use server and/or domainController`,
			{ itemIndex, description: 'Fix the option "Protected Roles" (options.protectedRoles).' },
		);
	}
	return roles;
}
