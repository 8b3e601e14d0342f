import type { INode } from 'n8n-workflow';

import { resolveRef } from '../../../nodes/MspPsa/providers/common';

const NODE = { name: 'MSP PSA', type: 'mspPsa', typeVersion: 1, position: [0, 0] } as INode;

/** A board, status or priority named by the user: one name naming two records is never a guess. */
describe('PSA resolveRef', () => {
	const queues = [
		{ id: '29682833', name: 'Security' },
		{ id: '29682834', name: 'Service Desk' },
		{ id: '29682901', name: 'security ' },
	];

	it('refuses a name that several records carry, listing each with its id, before any write', () => {
		expect(() => resolveRef(NODE, 'queue', { name: 'Security' }, queues)).toThrow(
			/Queue "Security" matches 2: Security \(id 29682833\), security \(id 29682901\)/,
		);
	});

	it('takes a unique name, and an id even where the name repeats', () => {
		expect(resolveRef(NODE, 'queue', { name: 'service desk' }, queues).id).toBe('29682834');
		expect(resolveRef(NODE, 'queue', { id: '29682901' }, queues).id).toBe('29682901');
	});
});
