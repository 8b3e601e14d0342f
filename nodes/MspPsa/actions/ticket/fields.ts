import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { PsaProvider, TicketChanges } from '../../providers/types';
import { locator, refFrom } from '../common';

/** Board, status and priority pickers shared by create, find-or-create and update. */
export function ticketFieldOptions(): INodeProperties[] {
	return [
		locator('Board / Queue', 'board', 'searchBoards', {
			description: 'ConnectWise service board, Halo team or Autotask queue',
		}),
		locator('Priority', 'priority', 'searchPriorities'),
		locator('Status', 'status', 'searchStatuses', {
			description:
				'Status by name as shown in the PSA; in ConnectWise statuses belong to the board',
		}),
	];
}

/**
 * The closed status Close moves the ticket to. Tenants rename their closed status and boards have
 * several ("Closed - No Response", "Cancelled"); empty uses the PSA's default closed status.
 */
export function closeStatusField(): INodeProperties {
	return locator('Close Status', 'closeStatus', 'searchCloseStatuses', {
		description:
			"Closed status to move the ticket to; empty uses the board's default closed status (ConnectWise), the tenant's closed status (Halo) or Complete (Autotask). The list shows the statuses of the ticket's board when the Ticket ID is a plain number.",
		displayOptions: { show: { resource: ['ticket'], operation: ['close'] } },
	});
}

/**
 * Summaries longer than the vendor accepts are cut (with an ellipsis) instead of being rejected,
 * and the execution gets a hint saying so.
 */
export function fitSummary(ctx: IExecuteFunctions, provider: PsaProvider, summary: string): string {
	const max = provider.maxSummaryLength;
	if (!max || summary.length <= max) return summary;
	const cut = `${summary.slice(0, max - 1)}…`;
	const hints = (ctx as { addExecutionHints?: IExecuteFunctions['addExecutionHints'] })
		.addExecutionHints;
	hints?.call(ctx, {
		message: `A ticket summary was shortened to the ${max} characters the PSA accepts`,
		location: 'outputPane',
	});
	return cut;
}

export function changesFrom(fields: Record<string, unknown>): TicketChanges {
	return {
		board: refFrom(fields.board),
		status: refFrom(fields.status),
		priority: refFrom(fields.priority),
	};
}

export function readFields(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
): Record<string, unknown> {
	return ctx.getNodeParameter(name, itemIndex, {}) as Record<string, unknown>;
}
