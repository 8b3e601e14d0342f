import { clientOf } from '../../world/engine';
import type { Device, World } from '../../world/types';
import { locationId, nodeClass } from './mappers';

export type DevicePredicate = (device: Device) => boolean;

export class FilterError extends Error {}

/**
 * NinjaOne's device filter (`df`). The grammar is only published as a PDF; this accepts the
 * expressions its SDKs use [unverified: exact grammar]: `key op value` joined by AND, with
 * `=`, `eq`, `!=`, `in (a,b)`, `not in (a,b)`, and the bare words `online` / `offline`.
 * Keys: org, loc, class, status, id, role.
 */
export function parseDeviceFilter(world: World, df: unknown): DevicePredicate {
	if (df === undefined || df === '') return () => true;
	if (typeof df !== 'string') throw new FilterError('Invalid device filter');
	const clauses = df
		.split(/\s+AND\s+/i)
		.map((c) => c.trim())
		.filter(Boolean);
	const predicates = clauses.map((clause) => parseClause(world, clause));
	return (device) => predicates.every((p) => p(device));
}

function parseClause(world: World, clause: string): DevicePredicate {
	const word = clause.toLowerCase();
	if (word === 'online') return (d) => d.online;
	if (word === 'offline') return (d) => !d.online;
	const match = /^(\w+)\s*(=|eq|!=|neq|not\s+in|in)\s*(.+)$/i.exec(clause);
	if (!match) throw new FilterError(`Invalid device filter expression: ${clause}`);
	const [, key, rawOp, rawValue] = match;
	const op = rawOp.toLowerCase().replace(/\s+/g, ' ');
	const values = op.endsWith('in') ? listOf(rawValue, clause) : [rawValue.trim()];
	const field = fieldOf(world, key.toLowerCase(), clause);
	const hit = (device: Device) =>
		values.some((v) => field(device).toUpperCase() === v.toUpperCase());
	return op === '!=' || op === 'neq' || op === 'not in' ? (d) => !hit(d) : hit;
}

function listOf(raw: string, clause: string): string[] {
	const match = /^\((.*)\)$/.exec(raw.trim());
	if (!match) throw new FilterError(`Invalid device filter expression: ${clause}`);
	return match[1]
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
}

function fieldOf(world: World, key: string, clause: string): (device: Device) => string {
	switch (key) {
		case 'org':
			return (d) => String(clientOf(world, d).ids.ninjaOrganizationId);
		case 'loc':
			return (d) => String(locationId(clientOf(world, d)));
		case 'class':
			return (d) => nodeClass(d);
		case 'status':
			return () => 'APPROVED';
		case 'id':
			return (d) => String(d.ids.ninjaDeviceId);
		case 'role':
			return (d) => String(d.type === 'workstation' ? 1 : d.type === 'server' ? 2 : 3);
		default:
			throw new FilterError(`Invalid device filter expression: ${clause}`);
	}
}
