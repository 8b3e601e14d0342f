import {
	ContainmentSchema,
	DeviceSchema,
	EvidenceSchema,
	TicketSchema,
	TriageVerdictSchema,
	VendorId,
} from '../../../nodes/shared';

describe('domain schemas', () => {
	it('accepts normalized shapes with string ids and optional raw', () => {
		expect(TicketSchema.parse({ id: '42', summary: 'Disk full', raw: { id: 42 } }).id).toBe('42');
		expect(DeviceSchema.parse({ id: '7', hostname: 'DC01', type: 'domainController' }).type).toBe(
			'domainController',
		);
		expect(ContainmentSchema.parse({ deviceId: 'a', state: 'pendingIsolation' }).state).toBe(
			'pendingIsolation',
		);
	});

	it('rejects numeric ids and unknown enum values', () => {
		expect(TicketSchema.safeParse({ id: 42, summary: 'x' }).success).toBe(false);
		expect(DeviceSchema.safeParse({ id: '1', hostname: 'x', type: 'laptop' }).success).toBe(false);
	});

	it('normalizes vendor ids to strings', () => {
		expect(VendorId.parse(123)).toBe('123');
	});

	it('describes evidence and triage verdicts', () => {
		const evidence = EvidenceSchema.parse({
			client: 'Acme',
			device: 'WS-01',
			kind: 'patch',
			detectedAt: '2026-01-01T00:00:00Z',
			severity: 'critical',
			actions: [{ at: '2026-01-01T01:00:00Z', action: 'install patch', result: 'succeeded' }],
			outcome: 'remediated',
		});
		expect(evidence.actions).toHaveLength(1);
		const verdict = TriageVerdictSchema.parse({
			severity: 'high',
			category: 'ransomware',
			confidence: 0.9,
			route: 'needsApproval',
			rationale: 'known family',
			source: 'rules-fallback',
		});
		expect(verdict.matchedRules).toEqual([]);
		expect(verdict.recommendedActions).toEqual([]);
		expect(verdict.disagreements).toEqual([]);
		expect(() =>
			TriageVerdictSchema.parse({
				...verdict,
				disagreements: [{ field: 'route', proposed: 'contain' }],
			}),
		).toThrow();
	});
});
