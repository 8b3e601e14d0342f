/** A month of evidence for one client of the sandbox estate, as the templates record it. */
export function demoEvidence(client = 'Bright Smile Dental') {
	const patch = (device: string, kb: string, severity: string, detectedAt: string, outcome: string, remediatedAt?: string, verifiedAt?: string) => ({
		client,
		device,
		kind: 'patch',
		reference: kb,
		severity,
		detectedAt,
		outcome,
		...(remediatedAt ? { remediatedAt } : {}),
		...(verifiedAt ? { verifiedAt, verifiedHow: 'RMM patch re-scan shows the update installed' } : {}),
		ticketReference: `T-${kb.slice(-4)}`,
		actions: [{ at: detectedAt, action: 'approve patch', by: 'Patch remediation workflow' }],
	});
	const nov10 = '2026-11-10T17:00:00Z';
	return [
		patch('BSD-WS01', 'KB5045935', 'critical', nov10, 'remediated', '2026-11-12T02:10:00Z', '2026-11-12T03:00:00Z'),
		patch('BSD-WS02', 'KB5045935', 'critical', nov10, 'remediated', '2026-11-12T02:40:00Z', '2026-11-12T03:05:00Z'),
		patch('BSD-WS03', 'KB5045935', 'critical', nov10, 'remediated', '2026-11-13T01:00:00Z', '2026-11-13T02:00:00Z'),
		patch('BSD-WS04', 'KB5045935', 'critical', nov10, 'remediated', '2026-11-20T01:00:00Z', '2026-11-20T02:00:00Z'),
		patch('BSD-WS05', 'KB5045935', 'critical', nov10, 'remediated', '2026-11-26T01:00:00Z', '2026-11-26T04:00:00Z'),
		patch('BSD-WS06', 'KB5045991', 'high', nov10, 'remediated', '2026-11-14T22:00:00Z'),
		patch('BSD-WS07', 'KB5045935', 'critical', nov10, 'failed'),
		patch('BSD-SRV01', 'KB5045934', 'critical', nov10, 'remediated', '2026-11-16T23:30:00Z', '2026-11-17T00:10:00Z'),
		patch('BSD-SRV02', 'KB5045934', 'critical', nov10, 'remediated', '2026-11-16T23:45:00Z', '2026-11-17T00:15:00Z'),
		patch('BSD-DC01', 'KB5045934', 'critical', nov10, 'remediated', '2026-11-17T00:30:00Z', '2026-11-17T01:00:00Z'),
		{
			client,
			device: 'BSD-WS02',
			kind: 'incident',
			reference: 'Ransomware behaviour: invoice_viewer.exe',
			severity: 'critical',
			detectedAt: '2026-11-24T07:42:10Z',
			outcome: 'remediated',
			remediatedAt: '2026-11-24T08:31:00Z',
			verifiedAt: '2026-11-24T08:40:00Z',
			verifiedHow: 'EDR threat status resolved, device released after scan',
			ticketReference: 'T-1042',
			actions: [
				{ at: '2026-11-24T07:43:00Z', action: 'isolate device', by: 'Threat response workflow', result: 'isolated' },
				{ at: '2026-11-24T08:10:00Z', action: 'kill and quarantine', result: 'mitigated' },
			],
		},
	];
}
