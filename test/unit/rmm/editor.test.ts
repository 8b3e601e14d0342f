import type { INode, INodeParameters, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
import { readFileSync } from 'fs';
import { join } from 'path';

import { MspRmm } from '../../../nodes/MspRmm/MspRmm.node';

/**
 * What the editor shows per provider, read the way n8n reads it (displayOptions through
 * NodeHelpers): operations a provider cannot run are not offered, Run As and Parameters are typed
 * per provider, and saved workflows (the shipped templates included) keep their values.
 */
const description = new MspRmm().description;
const properties = description.properties;

function node(parameters: INodeParameters): INode {
	return {
		id: 'n',
		name: 'MSP RMM',
		type: 'n8n-nodes-msp-orchestration.mspRmm',
		typeVersion: 1,
		position: [0, 0],
		parameters,
	};
}

/** The properties n8n displays for these values. */
function shown(values: INodeParameters): INodeProperties[] {
	return properties.filter((p) =>
		NodeHelpers.displayParameter(values, p, node(values), description),
	);
}

/** The values n8n keeps for a saved node (defaults added, hidden parameters dropped). */
function kept(values: INodeParameters): INodeParameters {
	return NodeHelpers.getNodeParameters(properties, values, true, false, node(values), description)!;
}

function operations(provider: string, resource: string): string[] {
	const operation = shown({ provider, resource }).filter((p) => p.name === 'operation');
	expect(operation).toHaveLength(1);
	return (operation[0].options as INodePropertyOptions[]).map((o) => String(o.value));
}

describe('MSP RMM editor', () => {
	it('does not offer Scan or Reset for ConnectWise Automate, and does for NinjaOne', () => {
		expect(operations('connectWiseAutomate', 'patch')).not.toContain('scan');
		expect(operations('connectWiseAutomate', 'alert')).toEqual(['list']);
		expect(operations('ninjaOne', 'patch')).toContain('scan');
		expect(operations('ninjaOne', 'alert')).toEqual(['list', 'reset']);
		// Everything else is offered for both.
		const common = ['apply', 'list', 'listFleet', 'getStatus', 'waitForCompletion'];
		expect(operations('connectWiseAutomate', 'patch')).toEqual(common);
	});

	it('keeps a saved Automate Scan, which then fails with Automate’s reason (the template’s Rescan step)', () => {
		const values = kept({
			provider: 'connectWiseAutomate',
			resource: 'patch',
			operation: 'scan',
			device: { __rl: true, mode: 'id', value: '213' },
		});
		expect(values.operation).toBe('scan');
		expect(values.device).toMatchObject({ value: '213' });
	});

	it('shows Run As only for NinjaOne, as a choice of its accounts or a saved credential', () => {
		const script = { resource: 'script', operation: 'run' };
		const ninja = shown({ provider: 'ninjaOne', ...script });
		const runAs = ninja.find((p) => p.name === 'runAs');
		expect(runAs?.type).toBe('options');
		expect((runAs?.options as INodePropertyOptions[]).map((o) => o.value)).toEqual([
			'system',
			'loggedonuser',
			'SR_LOCAL_ADMINISTRATOR',
			'SR_DOMAIN_ADMINISTRATOR',
			'SR_MAC_SCRIPT',
			'SR_LINUX_SCRIPT',
			'credential',
		]);
		expect(ninja.some((p) => p.name === 'runAsCredential')).toBe(false);
		expect(
			shown({ provider: 'ninjaOne', ...script, runAs: 'credential' }).some(
				(p) => p.name === 'runAsCredential',
			),
		).toBe(true);
		expect(
			shown({ provider: 'connectWiseAutomate', ...script }).some((p) => p.name === 'runAs'),
		).toBe(false);
	});

	it('shows one Parameters field per provider, in that RMM’s own form', () => {
		const script = { resource: 'script', operation: 'run' };
		const field = (provider: string) => {
			const found = shown({ provider, ...script }).filter((p) => p.name === 'parameters');
			expect(found).toHaveLength(1);
			return found[0];
		};
		expect(field('ninjaOne').placeholder).toBe('-Drive C -Verbose');
		expect(field('connectWiseAutomate').placeholder).toBe('drive=C|verbose=1|');
		expect(field('connectWiseAutomate').description).toMatch(/name=value pairs, each ended by \|/);
	});

	it('keeps Run As and Parameters saved when they were free text', () => {
		const ninja = kept({
			provider: 'ninjaOne',
			resource: 'script',
			operation: 'run',
			runAs: '26',
			parameters: '-Days 7',
		});
		expect(ninja).toMatchObject({ runAs: '26', parameters: '-Days 7' });
		const automate = kept({
			provider: 'connectWiseAutomate',
			resource: 'script',
			operation: 'run',
			parameters: 'drive=C|',
		});
		expect(automate.parameters).toBe('drive=C|');
	});

	it('Device > Get has no hostname mode (Get by Hostname does that), and a Get saved by hostname keeps its value', () => {
		const get = shown({ provider: 'ninjaOne', resource: 'device', operation: 'get' }).find(
			(p) => p.name === 'device',
		);
		expect(get?.modes?.map((m) => m.name)).toEqual(['list', 'id']);
		expect(operations('ninjaOne', 'device')).toEqual(['get', 'getByHostname', 'search']);
		// Other operations keep the hostname mode.
		const apply = shown({ provider: 'ninjaOne', resource: 'patch', operation: 'apply' }).find(
			(p) => p.name === 'device',
		);
		expect(apply?.modes?.map((m) => m.name)).toEqual(['list', 'hostname', 'id']);
		const saved = kept({
			provider: 'ninjaOne',
			resource: 'device',
			operation: 'get',
			device: { __rl: true, mode: 'hostname', value: 'NWL-WS03' },
		});
		expect(saved.device).toMatchObject({ mode: 'hostname', value: 'NWL-WS03' });
	});

	it('keeps every parameter of the shipped templates’ RMM steps, on either provider', () => {
		for (const file of ['patch-remediation.json', 'threat-response.json']) {
			const workflow = JSON.parse(
				readFileSync(join(__dirname, '../../../workflows', file), 'utf8'),
			) as { nodes: Array<{ type: string; name: string; parameters: INodeParameters }> };
			for (const step of workflow.nodes.filter((n) => n.type.endsWith('.mspRmm'))) {
				for (const provider of ['ninjaOne', 'connectWiseAutomate']) {
					const saved = { ...step.parameters, provider };
					const values = kept(saved);
					for (const [name, value] of Object.entries(saved))
						expect({ step: step.name, provider, name, value: values[name] }).toEqual({
							step: step.name,
							provider,
							name,
							value,
						});
				}
			}
		}
	});
});
