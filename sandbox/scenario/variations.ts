import { nextId } from '../world/seed';
import type { ClientProduct, TenantVariations, World } from '../world/types';
import { invalid, readBody } from './errors';

const KEYS = ['haloClosedStatus', 'connectwiseClosedStatuses', 'clientNames'] as const;
const PRODUCTS: readonly ClientProduct[] = ['psa', 'rmm', 'edr', 'documentation'];
const MAX_NAME = 100;

/** Halo's closed status in the default tenant (`sandbox/vendors/halopsa/data.ts`). */
interface HaloStatusRow {
	id: number;
	name: string;
	shortname: string;
	closed: boolean;
}
interface CwStatusRow {
	id: number;
	name: string;
	boardId: number;
	sortOrder: number;
	inactive: boolean;
	closedStatus: boolean;
	[field: string]: unknown;
}

/**
 * Reads `variations` from a reset or from startSandbox: only known keys, each with a value of its shape. The
 * parts that depend on the world (which clients exist, which statuses a board has) are checked when applied.
 */
export function parseVariations(input: unknown): TenantVariations {
	const body = readBody(input, KEYS, 'variations');
	const variations: TenantVariations = {};
	if (body.haloClosedStatus !== undefined)
		variations.haloClosedStatus = statusName('variations.haloClosedStatus', body.haloClosedStatus);
	if (body.connectwiseClosedStatuses !== undefined)
		variations.connectwiseClosedStatuses = closedStatuses(body.connectwiseClosedStatuses);
	if (body.clientNames !== undefined) variations.clientNames = clientNames(body.clientNames);
	return variations;
}

function statusName(field: string, value: unknown): string {
	if (typeof value !== 'string' || !value.trim())
		throw invalid(field, `must be a non-empty status name, got ${JSON.stringify(value)}`);
	if (value.length > MAX_NAME) throw invalid(field, `must be at most ${MAX_NAME} characters`);
	return value;
}

function closedStatuses(value: unknown): string[] {
	const field = 'variations.connectwiseClosedStatuses';
	if (!Array.isArray(value) || !value.length)
		throw invalid(
			field,
			`must be a non-empty array of status names (e.g. [">Closed", "Closed - No Response", "Cancelled"]), got ${JSON.stringify(value)}`,
		);
	if (value.length > 10) throw invalid(field, `must hold at most 10 statuses, got ${value.length}`);
	const names = value.map((name, index) => statusName(`${field}[${index}]`, name));
	const duplicate = names.find(
		(name, index) =>
			names.findIndex((other) => other.toLowerCase() === name.toLowerCase()) !== index,
	);
	if (duplicate !== undefined)
		throw invalid(
			field,
			`names ${JSON.stringify(duplicate)} twice: a board's statuses have distinct names`,
		);
	return names;
}

function clientNames(value: unknown): Record<string, Partial<Record<ClientProduct, string>>> {
	const field = 'variations.clientNames';
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw invalid(
			field,
			`must be an object of client key or code -> { ${PRODUCTS.join(', ')} } names, got ${JSON.stringify(value)}`,
		);
	}
	const result: Record<string, Partial<Record<ClientProduct, string>>> = {};
	for (const [client, names] of Object.entries(value)) {
		const at = `${field}.${client}`;
		if (!names || typeof names !== 'object' || Array.isArray(names))
			throw invalid(
				at,
				`must be an object with any of ${PRODUCTS.join(', ')}, got ${JSON.stringify(names)}`,
				PRODUCTS,
			);
		const unknown = Object.keys(names).filter((k) => !PRODUCTS.includes(k as ClientProduct));
		if (unknown.length)
			throw invalid(
				`${at}.${unknown[0]}`,
				`is not a kind of product; allowed: ${PRODUCTS.join(', ')}`,
				PRODUCTS,
			);
		const entry: Partial<Record<ClientProduct, string>> = {};
		for (const [product, name] of Object.entries(names)) {
			if (typeof name !== 'string' || !name.trim() || name.length > MAX_NAME)
				throw invalid(
					`${at}.${product}`,
					`must be a non-empty name of at most ${MAX_NAME} characters, got ${JSON.stringify(name)}`,
				);
			entry[product as ClientProduct] = name;
		}
		result[client] = entry;
	}
	return result;
}

/** Client names per product: set before the vendors seed, so records they store (Hudu companies) carry them. */
export function applyClientNames(world: World, variations: TenantVariations): void {
	for (const [ref, names] of Object.entries(variations.clientNames ?? {})) {
		const wanted = ref.toLowerCase();
		const client = world.clients.find(
			(c) => c.key.toLowerCase() === wanted || c.code.toLowerCase() === wanted,
		);
		if (!client) {
			const known = world.clients.map((c) => `${c.key} (${c.code})`);
			throw invalid(
				`variations.clientNames.${ref}`,
				`is not a client key or code; clients: ${known.join(', ')}`,
				world.clients.map((c) => c.key),
			);
		}
		client.names = { ...client.names, ...names };
	}
}

/** Status variations: applied after the vendors seed, to the records they keep. */
export function applyVendorVariations(world: World, variations: TenantVariations): void {
	if (variations.haloClosedStatus !== undefined)
		renameHaloClosed(world, variations.haloClosedStatus);
	if (variations.connectwiseClosedStatuses)
		closeConnectWiseBoards(world, variations.connectwiseClosedStatuses);
	world.variations = variations;
}

/** Halo's closed status keeps its id (seeded closed tickets still point at it) and takes the tenant's name. */
function renameHaloClosed(world: World, name: string): void {
	const slice = world.vendors.halopsa as { statuses: HaloStatusRow[] } | undefined;
	if (!slice) return;
	const closed = slice.statuses.find((s) => s.closed);
	if (!closed) return;
	const clash = slice.statuses.find(
		(s) => s !== closed && s.name.toLowerCase() === name.toLowerCase(),
	);
	if (clash)
		throw invalid(
			'variations.haloClosedStatus',
			`${JSON.stringify(name)} is already the open status ${clash.id}: the closed status needs its own name`,
		);
	closed.name = name;
	closed.shortname = name;
}

/**
 * Every board closes with the given statuses, in that order after its other ones. The board's active closed
 * statuses keep their ids (seeded closed tickets point at them) and take the first names; the rest are new.
 * Inactive leftovers (Help Desk's "Closed (old)") stay as they are, as they do in real tenants.
 */
function closeConnectWiseBoards(world: World, names: string[]): void {
	const slice = world.vendors['connectwise-psa'] as
		| { boards: Array<{ id: number }>; statuses: CwStatusRow[] }
		| undefined;
	if (!slice) return;
	for (const board of slice.boards) {
		const statuses = slice.statuses.filter((s) => s.boardId === board.id);
		const closed = statuses
			.filter((s) => s.closedStatus && !s.inactive)
			.sort((a, b) => a.sortOrder - b.sortOrder);
		const template = closed[0];
		if (!template) continue;
		const clash = statuses.find(
			(s) => !closed.includes(s) && names.some((n) => n.toLowerCase() === s.name.toLowerCase()),
		);
		if (clash)
			throw invalid(
				'variations.connectwiseClosedStatuses',
				`${JSON.stringify(clash.name)} is already a status of board ${board.id}: closed statuses need their own names`,
			);
		// The closed statuses follow every other status of the board, in the order given.
		let sortOrder =
			Math.max(-1, ...statuses.filter((s) => !closed.includes(s)).map((s) => s.sortOrder)) + 1;
		const rows = names.map((name, index) => {
			const row = closed[index] ?? { ...template, id: nextId(world, 'cw-status', 16) };
			Object.assign(row, {
				name,
				customerPortalDescription: name.replace(/^>/, ''),
				closedStatus: true,
				inactive: false,
				defaultFlag: false,
				sortOrder: sortOrder++,
			});
			return row;
		});
		for (const row of rows) if (!slice.statuses.includes(row)) slice.statuses.push(row);
		// Active closed statuses the list does not name would close tickets the drill did not ask for: retire them.
		for (const extra of closed.slice(names.length)) extra.inactive = true;
	}
}
