import type { Client, ClientProduct } from './types';

/**
 * The client's name as one kind of product shows it. Tenants drift: the PSA says "Harper & Lowe LLP", the RMM
 * "Harper and Lowe", the EDR site "HLL - Harper Lowe". Every vendor presenter and search reads names through
 * this, so a tenant variation reaches every API at once.
 */
export function clientName(client: Client, product: ClientProduct): string {
	return client.names?.[product] ?? client.name;
}
