import { readFileSync } from 'fs';
import { join } from 'path';
import type { INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

import { MspEdr } from '../../../nodes/MspEdr/MspEdr.node';
import { MspEdrTrigger } from '../../../nodes/MspEdrTrigger/MspEdrTrigger.node';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import { MspReport } from '../../../nodes/MspReport/MspReport.node';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';

/**
 * The docs promise every operation with the vendor call behind it, per provider, and the README's
 * table every provider and credential. Operations and providers come from the node descriptions,
 * so a provider or operation added to a node without its docs row fails here.
 */

const ROOT = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Table {
	header: string[];
	rows: string[][];
}

/** Markdown tables: runs of lines starting with `|`, cells split on unescaped pipes. */
function tablesOf(markdown: string): Table[] {
	const tables: Table[] = [];
	let lines: string[] = [];
	const flush = () => {
		if (lines.length >= 2 && /^\|\s*-/.test(lines[1])) {
			const [header, , ...rows] = lines.map((line) =>
				line
					.trim()
					.replace(/^\||\|$/g, '')
					.split(/(?<!\\)\|/)
					.map((cell) => cell.trim()),
			);
			tables.push({ header, rows });
		}
		lines = [];
	};
	for (const line of markdown.split('\n')) {
		if (line.trim().startsWith('|')) lines.push(line);
		else flush();
	}
	flush();
	return tables;
}

/** "Script / Get Result, Wait for Completion" -> ["script", "get result", "wait for completion"]. */
function namesIn(cell: string): string[] {
	return cell
		.replace(/[*`]/g, '')
		.split(/\s*[/·,]\s*/)
		.map((part) => part.trim().toLowerCase())
		.filter(Boolean);
}

interface Operation {
	resource: string;
	operation: string;
}

/** The operations the editor offers for a provider (operation lists shown for it, by resource). */
function operationsOf(description: INodeTypeDescription, provider?: string): Operation[] {
	const resources = (description.properties.find((p) => p.name === 'resource')?.options ??
		[]) as INodePropertyOptions[];
	const out: Operation[] = [];
	for (const property of description.properties.filter((p) => p.name === 'operation')) {
		const show = property.displayOptions?.show ?? {};
		const providers = show.provider as string[] | undefined;
		if (provider && providers && !providers.includes(provider)) continue;
		for (const resource of resources.filter((r) =>
			((show.resource as string[] | undefined) ?? []).includes(String(r.value)),
		))
			for (const option of (property.options ?? []) as INodePropertyOptions[])
				out.push({ resource: resource.name, operation: option.name });
	}
	return out;
}

function providersOf(description: INodeTypeDescription): INodePropertyOptions[] {
	return (description.properties.find((p) => p.name === 'provider')?.options ??
		[]) as INodePropertyOptions[];
}

/** Operations of the provider with no row in a table whose column `column` names its vendor call. */
function undocumented(markdown: string, column: string, operations: Operation[]): string[] {
	const tables = tablesOf(markdown).filter((t) => t.header.includes(column));
	if (!tables.length) return [`no table with a "${column}" column`];
	return operations
		.filter(
			({ resource, operation }) =>
				!tables.some((table) => {
					const at = table.header.indexOf(column);
					return table.rows.some((row) => {
						const [first, ...rest] = namesIn(row[0] ?? '');
						const call = (row[at] ?? '').trim();
						return (
							first === resource.toLowerCase() &&
							rest.includes(operation.toLowerCase()) &&
							call !== '' &&
							call !== '-'
						);
					});
				}),
		)
		.map(({ resource, operation }) => `${resource} / ${operation}`);
}

/** Per node page: the column that gives each provider's vendor call. */
const CALL_COLUMNS: Array<{
	node: INodeTypeDescription;
	page: string;
	columns: Record<string, string>;
}> = [
	{
		node: new MspPsa().description,
		page: 'docs/nodes/psa.md',
		columns: { connectwise: 'ConnectWise PSA', halo: 'HaloPSA', autotask: 'Autotask PSA' },
	},
	{
		node: new MspRmm().description,
		page: 'docs/nodes/rmm.md',
		columns: {
			ninjaOne: 'NinjaOne call',
			connectWiseAutomate: 'Automate call',
			dattoRmm: 'Datto RMM call',
		},
	},
	{
		node: new MspEdr().description,
		page: 'docs/nodes/edr.md',
		columns: {
			sentinelOne: 'SentinelOne call',
			microsoftDefender: 'Defender call',
			huntress: 'Huntress call',
			crowdStrike: 'Falcon call',
		},
	},
];

describe('docs list every operation with its vendor call', () => {
	for (const { node, page, columns } of CALL_COLUMNS) {
		describe(`${node.displayName} (${page})`, () => {
			const markdown = read(page);
			it('has a call column for every provider of the node', () => {
				expect(Object.keys(columns).sort()).toEqual(
					providersOf(node)
						.map((p) => String(p.value))
						.sort(),
				);
			});
			for (const provider of providersOf(node))
				it(`lists every ${provider.name} operation with the call behind it`, () => {
					const operations = operationsOf(node, String(provider.value));
					expect(operations.length).toBeGreaterThan(3);
					expect(undocumented(markdown, columns[String(provider.value)], operations)).toEqual([]);
				});
		});
	}

	it('MSP Report lists each operation in its table of vendor calls', () => {
		const node = new MspReport().description;
		const [table] = tablesOf(read('docs/nodes/report.md')).filter((t) =>
			t.header.includes('Vendor calls'),
		);
		const listed = table.rows.map((row) => `${row[0]} / ${row[1]}`);
		expect(listed).toEqual(
			expect.arrayContaining(operationsOf(node).map((o) => `${o.resource} / ${o.operation}`)),
		);
		expect(operationsOf(node)).toHaveLength(3);
	});

	it('the check has teeth: a missing row or an empty call cell is reported', () => {
		const markdown = [
			'| Resource / operation | Vendor call |',
			'|---|---|',
			'| Ticket / Create | `POST /tickets` |',
			'| Ticket / Get, Get Many | |',
			'| Script / Get Result, Wait for Completion | `GET /job` |',
		].join('\n');
		expect(
			undocumented(markdown, 'Vendor call', [
				{ resource: 'Ticket', operation: 'Create' },
				{ resource: 'Ticket', operation: 'Get' },
				{ resource: 'Ticket', operation: 'Update' },
				{ resource: 'Script', operation: 'Wait for Completion' },
				{ resource: 'Script', operation: 'Get' },
			]),
		).toEqual(['Ticket / Get', 'Ticket / Update', 'Script / Get']);
		expect(undocumented(markdown, 'Other call', [])).toEqual([
			'no table with a "Other call" column',
		]);
	});
});

describe("README's node table names every provider and credential", () => {
	const tables = tablesOf(read('README.md')).filter((t) => t.header.includes('Credentials'));
	const rowOf = (name: string) =>
		tables
			.flatMap((t) => t.rows)
			.find((row) => row[1] === `\`n8n-nodes-msp-orchestration.${name}\``);

	for (const node of [
		new MspPsa().description,
		new MspRmm().description,
		new MspEdr().description,
		new MspEdrTrigger().description,
		new MspReport().description,
	])
		it(`${node.displayName}`, () => {
			const row = rowOf(node.name);
			expect(row).toBeDefined();
			const [, , providers, credentials] = row!;
			// Report's providers are its publishing targets, written as "Hudu, IT Glue publishing".
			for (const provider of providersOf(node))
				expect(providers).toContain(String(provider.name).replace(/ Publishing$/i, ''));
			const ownCredentials =
				credentials.startsWith('as ') && node.name === 'mspEdrTrigger'
					? rowOf('mspEdr')![3]
					: credentials;
			for (const credential of node.credentials ?? [])
				expect(ownCredentials).toContain(`\`${credential.name}\``);
		});
});
