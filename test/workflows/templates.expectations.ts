import { readFileSync } from 'fs';
import { join, resolve } from 'path';

import type { World } from '../../sandbox';
import type { CwSlice } from '../../sandbox/vendors/connectwise-psa/data';
import type { HuduSlice } from '../../sandbox/vendors/hudu/store';

/**
 * What the shipped templates must leave behind in the sandbox, read from sandbox state only.
 * Shared by the workflows tier (in-process) and the e2e tier (real n8n).
 */
export const ROOT = resolve(__dirname, '..', '..');
export const loadTemplate = (name: 'patch-remediation' | 'threat-response') =>
	JSON.parse(readFileSync(join(ROOT, 'workflows', `${name}.json`), 'utf8')) as { name: string; nodes: Array<{ name: string; type: string; parameters: Record<string, any>; credentials?: Record<string, { id?: string; name: string }> }>; connections: Record<string, unknown>; [k: string]: unknown };

const cw = (world: World) => world.vendors['connectwise-psa'] as CwSlice;
export const hudu = (world: World) => world.vendors.hudu as HuduSlice;

export function ticketsByRef(world: World, prefix: string) {
	return cw(world).tickets.filter((t) => t.externalXRef?.startsWith(prefix));
}
export const notesOf = (world: World, ticketId: number) => cw(world).notes.filter((n) => n.ticketId === ticketId);
export const deviceByHost = (world: World, host: string) => world.devices.find((d) => d.hostname === host)!;

/** Devices that had a critical or high November update not installed when the world was seeded. */
export function devicesNeedingPatches(seeded: World): string[] {
	const keys = new Set(seeded.patches.filter((p) => ['critical', 'high'].includes(p.severity) && p.status !== 'installed').map((p) => p.deviceKey));
	return seeded.devices.filter((d) => keys.has(d.key)).map((d) => d.hostname);
}

/** Per client: one article and one tile with this title. */
export function publishedOnce(world: World, articlePrefix: string, tileTitle: string) {
	return world.clients.map((client) => ({
		client: client.name,
		articles: hudu(world).articles.filter((a) => a.company_id === client.ids.huduCompanyId && a.name.startsWith(articlePrefix)).length,
		tiles: hudu(world).magicDash.filter((m) => m.company_id === client.ids.huduCompanyId && m.title === tileTitle).length,
	}));
}
