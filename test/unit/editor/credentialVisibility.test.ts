import type { INodeParameters, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { MspAiTriage } from '../../../nodes/MspAiTriage/MspAiTriage.node';
import { MspEdr } from '../../../nodes/MspEdr/MspEdr.node';
import { MspEdrTrigger } from '../../../nodes/MspEdrTrigger/MspEdrTrigger.node';
import { MspPsa } from '../../../nodes/MspPsa/MspPsa.node';
import { MspReport } from '../../../nodes/MspReport/MspReport.node';
import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';

const descriptions: INodeTypeDescription[] = [
	new MspPsa().description,
	new MspRmm().description,
	new MspEdr().description,
	new MspEdrTrigger().description,
	new MspReport().description,
	new MspAiTriage().description,
];

/**
 * The parameter n8n's editor (2.41, 1.x alike) takes for a node's authentication switch: a parameter
 * named in the credentials' `displayOptions.show` that is called `authentication`, or whose every
 * option value some credential is shown for. The editor removes that parameter, and every other
 * parameter named in those `show` blocks, from the panel (getMainAuthField and getNodeAuthFields in
 * its nodeTypesUtils). Rebuilt here so that a credential declaration that would hide the Provider,
 * Resource or Operation fails fast; the e2e editor test checks the same in a real browser.
 */
function editorAuthSwitch(node: INodeTypeDescription): string | undefined {
	const shownFor: Record<string, string[]> = {};
	for (const credential of node.credentials ?? [])
		for (const [name, values] of Object.entries(credential.displayOptions?.show ?? {}))
			shownFor[name] = [...(shownFor[name] ?? []), ...(values ?? []).map(String)];
	const candidates = node.properties.filter((p) => p.name in shownFor);
	const authentication = candidates.find(
		(p) =>
			p.name === 'authentication' &&
			!((p.options ?? []) as INodePropertyOptions[]).some((o) => o.value === 'none'),
	);
	const alternative = candidates.find(
		(p) =>
			(p.options?.length ?? 0) > 0 &&
			((p.options ?? []) as INodePropertyOptions[]).every(
				(o) => typeof o.value !== 'string' || shownFor[p.name].includes(o.value),
			),
	);
	return (authentication ?? alternative)?.name;
}

const defaultsOf = (node: INodeTypeDescription, extra: INodeParameters) =>
	NodeHelpers.getNodeParameters(node.properties, extra, true, false, null, node) ?? {};

/** The credential types the panel offers for these parameter values. */
const credentialsShown = (node: INodeTypeDescription, values: INodeParameters) =>
	(node.credentials ?? [])
		.filter((c) => NodeHelpers.displayParameter(defaultsOf(node, values), c, null, node))
		.map((c) => c.name);

describe('credentials leave Provider, Resource and Operation in the panel', () => {
	it.each(descriptions.map((d) => [d.displayName, d]))(
		'%s has no parameter the editor would take for its authentication switch',
		(_name, node) => {
			expect(editorAuthSwitch(node)).toBeUndefined();
		},
	);

	it.each(
		descriptions
			.filter((d) => d.properties.some((p) => p.name === 'provider') && d.name !== 'mspReport')
			.map((d) => [d.displayName, d]),
	)('%s offers exactly the chosen provider’s credential', (_name, node) => {
		const providers = node.properties.find((p) => p.name === 'provider')!
			.options as INodePropertyOptions[];
		const offered = providers.map((p) => credentialsShown(node, { provider: p.value }));
		for (const shown of offered) expect(shown).toHaveLength(1);
		expect(new Set(offered.flat()).size).toBe(providers.length);
	});

	it('MSP Report asks for the Hudu credential to publish and for none to build', () => {
		const report = new MspReport().description;
		expect(
			credentialsShown(report, { provider: 'hudu', resource: 'report', operation: 'publish' }),
		).toEqual(['mspHuduApi']);
		expect(
			credentialsShown(report, { provider: 'hudu', resource: 'report', operation: 'build' }),
		).toEqual([]);
		expect(credentialsShown(report, { resource: 'evidence', operation: 'build' })).toEqual([]);
	});

	it('MSP Report asks for the IT Glue credential when IT Glue publishes', () => {
		const report = new MspReport().description;
		expect(
			credentialsShown(report, { provider: 'itGlue', resource: 'report', operation: 'publish' }),
		).toEqual(['mspItGlueApi']);
		expect(
			credentialsShown(report, { provider: 'itGlue', resource: 'report', operation: 'build' }),
		).toEqual([]);
	});
});
