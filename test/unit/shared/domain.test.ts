import {
	companyRefOf,
	CompanyRefSchema,
	ContainmentSchema,
	DeviceSchema,
	EvidenceSchema,
	hostnameKeyOf,
	isoUtc,
	ThreatSchema,
	TicketSchema,
	TriageVerdictSchema,
	UtcTimestamp,
	VendorId,
} from '../../../nodes/shared';

describe('domain schemas', () => {
	it('accepts normalized shapes with string ids and optional raw', () => {
		expect(TicketSchema.parse({ id: '42', summary: 'Disk full', raw: { id: 42 } }).id).toBe('42');
		expect(
			DeviceSchema.parse({
				id: '7',
				hostname: 'DC01',
				hostnameKey: 'dc01',
				type: 'domainController',
			}).type,
		).toBe('domainController');
		expect(ContainmentSchema.parse({ deviceId: 'a', state: 'pendingIsolation' }).state).toBe(
			'pendingIsolation',
		);
	});

	it('rejects numeric ids and unknown enum values', () => {
		expect(TicketSchema.safeParse({ id: 42, summary: 'x' }).success).toBe(false);
		expect(
			DeviceSchema.safeParse({ id: '1', hostname: 'x', hostnameKey: 'x', type: 'laptop' }).success,
		).toBe(false);
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

describe('the shared output rules', () => {
	it('writes every vendor time as ISO 8601 UTC with milliseconds', () => {
		expect(isoUtc('2024-05-01T09:30:00.1234567Z')).toBe('2024-05-01T09:30:00.123Z');
		expect(isoUtc('2024-05-01T09:30:00.123456Z')).toBe('2024-05-01T09:30:00.123Z');
		expect(isoUtc('2024-05-01T11:30:00+02:00')).toBe('2024-05-01T09:30:00.000Z');
		// No zone: the vendors that omit it write UTC.
		expect(isoUtc('2024-05-01T09:30:00')).toBe('2024-05-01T09:30:00.000Z');
		expect(isoUtc('2024-05-01')).toBe('2024-05-01T00:00:00.000Z');
		for (const absent of ['', '  ', 'soon', null, undefined, 1714555800])
			expect(isoUtc(absent)).toBeUndefined();
		expect(UtcTimestamp.safeParse('2024-05-01T09:30:00Z').success).toBe(false);
		expect(UtcTimestamp.safeParse('2024-05-01T11:30:00.000+02:00').success).toBe(false);
		expect(UtcTimestamp.safeParse('2024-05-01T09:30:00.000Z').success).toBe(true);
	});

	it('keys a hostname in lower case without its DNS suffix', () => {
		expect(hostnameKeyOf('BSD-WS02')).toBe('bsd-ws02');
		expect(hostnameKeyOf(' bsd-ws02.bsd.local ')).toBe('bsd-ws02');
		const device = { id: '1', hostname: 'BSD-WS02' };
		expect(DeviceSchema.safeParse({ ...device, hostnameKey: 'bsd-ws02' }).success).toBe(true);
		expect(DeviceSchema.safeParse({ ...device, hostnameKey: 'BSD-WS02' }).success).toBe(false);
		expect(DeviceSchema.safeParse({ ...device, hostnameKey: 'bsd-ws03' }).success).toBe(false);
		expect(DeviceSchema.safeParse(device).success).toBe(false);
	});

	it('gives a company as { id, name }, absent without either', () => {
		expect(companyRefOf(31, 'Bright Smile Dental')).toEqual({
			id: '31',
			name: 'Bright Smile Dental',
		});
		expect(companyRefOf(undefined, 'BSD machines')).toEqual({ name: 'BSD machines' });
		expect(companyRefOf(null, '')).toBeUndefined();
		expect(CompanyRefSchema.safeParse({}).success).toBe(false);
		expect(CompanyRefSchema.safeParse({ id: '1', name: 'A', code: 'x' }).success).toBe(false);
	});

	it('has no "undefined" verdict and one casing for the mitigation status', () => {
		const threat = { id: 't', severity: 'high', status: 'new' };
		expect(ThreatSchema.safeParse(threat).success).toBe(true);
		expect(ThreatSchema.safeParse({ ...threat, verdict: 'undefined' }).success).toBe(false);
		expect(ThreatSchema.safeParse({ ...threat, mitigationStatus: 'notMitigated' }).success).toBe(
			true,
		);
		expect(ThreatSchema.safeParse({ ...threat, mitigationStatus: 'not_mitigated' }).success).toBe(
			false,
		);
	});
});
