import { fakeRmm, type FakeRequest } from './helpers/fakeRmm';

/**
 * Every RMM fact the reference marks [unverified], in both plausible shapes. The sandbox serves
 * one shape of each; these fakes serve the other (and the sandbox's), and the node must read both.
 */

const computer = (id: number | string, extra: Record<string, unknown> = {}) => ({
	Id: id,
	ComputerName: `PC-${id}`,
	Client: { Id: 5, Name: 'Acme' },
	Status: 'Online',
	Type: 'Workstation',
	...extra,
});

/** A list answer in one of the shapes sources give Automate: bare, `{TotalRecords, Data}`, `{ResultSet, ...}`. */
const SHAPES: Array<[string, (rows: unknown[]) => unknown]> = [
	['a plain array (spec, gavsto)', (rows) => rows],
	['{TotalRecords, Data} (wyre)', (rows) => ({ TotalRecords: rows.length, Data: rows })],
	[
		'{ResultSet, TotalRecordCount} (spec ResultSetWithCount)',
		(rows) => ({ ResultSet: rows, TotalRecordCount: rows.length }),
	],
];

/** One page of rows, then an empty page, in the given shape. */
const paged = (shape: (rows: unknown[]) => unknown, rows: unknown[]) => (req: FakeRequest) => ({
	body: shape(Number(req.qs.page ?? 1) === 1 ? rows : []),
});

describe('Automate: list answers wrapped or bare [unverified: sources conflict]', () => {
	it.each(SHAPES)(
		'reads computers, clients, scripts, updates and alerts from %s',
		async (_label, shape) => {
			const { rmm } = fakeRmm('connectWiseAutomate', (req) => {
				if (req.path === '/Computers') return paged(shape, [computer(1), computer(2)])(req);
				if (req.path === '/Clients') return paged(shape, [{ Id: 5, Name: 'Acme' }])(req);
				if (req.path === '/Scripts') return paged(shape, [{ Id: 6001, Name: 'Clear Temp' }])(req);
				if (req.path === '/Computers/1/MicrosoftUpdates')
					return paged(shape, [
						{
							KnowledgeBaseId: 5040430,
							Title: 'CU',
							InstallState: 'Missing',
							PolicyApproval: { Name: 'Approved' },
						},
					])(req);
				if (req.path === '/Alerts')
					return paged(shape, [
						{ AlertId: 3311, Computer: { Id: 1, Name: 'PC-1' }, Message: 'C: low' },
					])(req);
				return undefined;
			});
			expect((await rmm.searchDevices({ returnAll: true })).map((d) => d.id)).toEqual(['1', '2']);
			expect(await rmm.listCompanies()).toEqual([
				expect.objectContaining({ id: '5', name: 'Acme' }),
			]);
			expect((await rmm.listScripts()).map((s) => s.id)).toEqual(['6001']);
			expect(await rmm.listPatches('1')).toEqual([
				expect.objectContaining({ kb: 'KB5040430', status: 'approved' }),
			]);
			expect((await rmm.listAlerts({})).map((a) => a.id)).toEqual(['3311']);
		},
	);
});

describe('Automate: ids typed string by the spec, numbers in practice [unverified]', () => {
	it.each([
		['numbers', 213, 6001, 771],
		['strings', '213', '6001', '771'],
	])(
		'follows a script run whose ids come as %s',
		async (_label, computerId, scriptId, historyId) => {
			const at = new Date().toISOString();
			const { rmm } = fakeRmm('connectWiseAutomate', (req) => {
				if (req.path === '/Computers')
					return { body: Number(req.qs.page ?? 1) > 1 ? [] : [computer(computerId)] };
				if (req.path === '/Computers/213/ScheduledScripts/90210')
					return { body: { Id: '90210', ScriptId: scriptId, ComputerId: computerId, NextRun: at } };
				if (req.path === '/Computers/213/ScriptHistory')
					return {
						body: [
							{
								Id: historyId,
								ScriptId: scriptId,
								Status: 'Completed',
								State: 'Success',
								HistoryDate: at,
								DiagnosticMessage: 'done',
							},
						],
					};
				return undefined;
			});
			expect((await rmm.getDevice('213')).id).toBe('213');
			expect(await rmm.getScriptRun('213', '90210')).toMatchObject({
				status: 'succeeded',
				output: 'done',
			});
		},
	);
});

describe('Automate: dates with or without a zone', () => {
	const device = async (lastContact: string, serverTime?: unknown) => {
		const { rmm, requests } = fakeRmm('connectWiseAutomate', (req) => {
			if (req.path === '/Computers')
				return {
					body:
						Number(req.qs.page) > 1 ? [] : [computer(1, { RemoteAgentLastContact: lastContact })],
				};
			if (req.path === '/DatabaseServerTime')
				return serverTime === undefined
					? { status: 404, body: { message: 'No such route' } }
					: { body: serverTime };
			return undefined;
		});
		const [found] = await rmm.searchDevices({ returnAll: true });
		return {
			lastSeen: found.lastSeen,
			serverTimeReads: requests.filter((r) => r.path === '/DatabaseServerTime').length,
		};
	};

	it('reads a date with a zone as it says, without asking the server its offset', async () => {
		expect(await device('2024-07-16T12:29:41Z')).toEqual({
			lastSeen: '2024-07-16T12:29:41.000Z',
			serverTimeReads: 0,
		});
		expect(await device('2024-07-16T14:29:41+02:00')).toEqual({
			lastSeen: '2024-07-16T12:29:41.000Z',
			serverTimeReads: 0,
		});
	});

	it('reads a zone-less date in the offset GET /DatabaseServerTime reports', async () => {
		expect(await device('2024-07-16T08:29:41', '2024-07-16T08:30:00.123-04:00')).toEqual({
			lastSeen: '2024-07-16T12:29:41.000Z',
			serverTimeReads: 1,
		});
	});

	it('reads the offset from a zone-less server time against the clock, to the quarter hour', async () => {
		const wall = new Date(Date.now() + 5.5 * 3600_000 + 40_000).toISOString().replace('Z', '');
		expect((await device('2024-07-16T18:00:00', wall)).lastSeen).toBe('2024-07-16T12:30:00.000Z');
	});

	it('assumes UTC when the server time cannot be read [unverified]', async () => {
		expect((await device('2024-07-16T12:29:41')).lastSeen).toBe('2024-07-16T12:29:41.000Z');
	});

	it('does not take an earlier run’s zone-less history row for this run (server two hours east of UTC)', async () => {
		const scheduled = new Date(Date.now() - 60_000);
		const local = (ms: number) => new Date(ms + 2 * 3600_000).toISOString().replace('Z', '');
		const rows: Array<Record<string, unknown>> = [
			// An earlier run, an hour before: read as UTC it would look an hour after this run was scheduled.
			{
				Id: 1,
				ScriptId: 6001,
				Status: 'Completed',
				State: 'Failure',
				HistoryDate: local(scheduled.getTime() - 3600_000),
				DiagnosticMessage: 'old',
			},
		];
		const { rmm, requests } = fakeRmm('connectWiseAutomate', (req) => {
			if (req.path === '/DatabaseServerTime') return { body: `${local(Date.now())}+02:00` };
			if (req.path === '/Computers/213/ScriptHistory') return { body: rows };
			if (req.path === '/Computers/213/RunningScripts') return { body: [] };
			return undefined;
		});
		const runId = `script-6001-at-${scheduled.toISOString()}`;
		expect(await rmm.getScriptRun('213', runId)).toMatchObject({ status: 'queued' });
		rows.unshift({
			Id: 2,
			ScriptId: 6001,
			Status: 'Completed',
			State: 'Success',
			HistoryDate: local(Date.now()),
			DiagnosticMessage: 'new',
		});
		expect(await rmm.getScriptRun('213', runId)).toMatchObject({
			status: 'succeeded',
			output: 'new',
		});
		// The server's own date comparison is widened by the largest offset there is (14 hours).
		const condition = String(requests.find((r) => r.path.endsWith('/ScriptHistory'))?.qs.condition);
		const from = Date.parse(/HistoryDate >= '([^']+)'/.exec(condition)?.[1] ?? '');
		expect(scheduled.getTime() - from).toBeGreaterThanOrEqual(14 * 3600_000);
	});
});

describe('Automate: error bodies {code, message, errors} or ASP.NET {Message, ModelState} [unverified]', () => {
	it.each([
		[
			{
				code: 'BadRequest',
				message: 'The request is invalid.',
				errors: [{ message: 'condition: bad' }],
			},
			/The request is invalid\. condition: bad/,
		],
		[
			{ Message: 'The request is invalid.', ModelState: { condition: ['bad'] } },
			/The request is invalid\. condition: bad/,
		],
	])('keeps the vendor message of %j', async (body, message) => {
		const { rmm } = fakeRmm('connectWiseAutomate', () => ({ status: 400, body }));
		await expect(rmm.searchDevices({ returnAll: true })).rejects.toThrow(message);
	});
});

describe('Automate: script parameters as name=value| pairs', () => {
	const sent = async (parameters: string) => {
		let body: Record<string, unknown> = {};
		const { rmm } = fakeRmm('connectWiseAutomate', (req) => {
			if (req.path === '/Scripts') return { body: [{ Id: 6001, Name: 'Clear Temp' }] };
			if (req.method === 'POST') {
				body = req.body as Record<string, unknown>;
				return { body: { Id: 90210, ScriptId: 6001, NextRun: new Date().toISOString() } };
			}
			return undefined;
		});
		await rmm.runScript({ deviceId: '213', scriptId: '6001', parameters });
		return body.Parameters;
	};

	it('sends every pair ended by |, values as typed', async () => {
		expect(await sent('drive=C')).toBe('drive=C|');
		expect(await sent('drive=C|verbose=1|')).toBe('drive=C|verbose=1|');
		expect(await sent('subject=Disk low, check C:|')).toBe('subject=Disk low, check C:|');
		expect(await sent('')).toBe('');
	});

	it('refuses text that is not name=value pairs, before any request', () => {
		const { rmm, requests } = fakeRmm('connectWiseAutomate', () => undefined);
		expect(rmm.scriptParametersProblem('-Drive C')).toMatch(/"-Drive C" is not a name=value pair/);
		expect(rmm.scriptParametersProblem('=C|')).toMatch(/not a name=value pair/);
		expect(rmm.scriptParametersProblem('drive=C|verbose=1')).toBeUndefined();
		expect(requests).toHaveLength(0);
	});
});

describe('NinjaOne: the fleet report status filter, one value or several [unverified]', () => {
	const ROWS = [
		{ id: 'a', status: 'APPROVED', deviceId: 1, kbNumber: 'KB1' },
		{ id: 'b', status: 'MANUAL', deviceId: 1, kbNumber: 'KB2' },
		{ id: 'c', status: 'REJECTED', deviceId: 2, kbNumber: 'KB3' },
		{ id: 'd', status: 'FAILED', deviceId: 2, kbNumber: 'KB4' },
	];
	/** A report that takes one value (a list is a 400), or one that takes a comma-joined list. */
	const report = (mode: 'single' | 'list') => (req: FakeRequest) => {
		if (req.path !== '/v2/queries/os-patches') return { body: { cursor: null, results: [] } };
		const status = req.qs.status === undefined ? undefined : String(req.qs.status);
		if (mode === 'single' && status?.includes(','))
			return {
				status: 400,
				body: { resultCode: 'BAD_REQUEST', errorMessage: `Invalid status ${status}` },
			};
		const wanted = status?.split(',');
		return {
			body: { cursor: null, results: ROWS.filter((r) => !wanted || wanted.includes(r.status)) },
		};
	};

	it.each(['single', 'list'] as const)(
		'returns the same patches from a report that takes %s values',
		async (mode) => {
			const { rmm, requests } = fakeRmm('ninjaOne', report(mode));
			const two = await rmm.listFleetPatches({
				statuses: ['approved', 'pending'],
				returnAll: true,
				concurrency: 1,
			});
			expect(two.map((p) => p.kb).sort()).toEqual(['KB1', 'KB2']);
			const one = await rmm.listFleetPatches({
				statuses: ['approved'],
				returnAll: true,
				concurrency: 1,
			});
			expect(one.map((p) => p.kb)).toEqual(['KB1']);
			const sentStatuses = requests
				.filter((r) => r.path === '/v2/queries/os-patches')
				.map((r) => r.qs.status);
			// Several statuses: none sent (filtered here); one status: sent as itself.
			expect(sentStatuses).toEqual([undefined, 'APPROVED']);
		},
	);
});

describe('NinjaOne: keyset pages of an unpublished maximum size [unverified]', () => {
	it('reads past a page shorter than asked for, until an empty page', async () => {
		const devices = Array.from({ length: 5 }, (_, i) => ({
			id: i + 1,
			systemName: `WS-${i + 1}`,
			organizationId: 1,
		}));
		const { rmm, requests } = fakeRmm('ninjaOne', (req) => {
			if (req.path === '/v2/devices') {
				const after = Number(req.qs.after ?? 0);
				// The server caps pages at 2 whatever is asked.
				return { body: devices.filter((d) => d.id > after).slice(0, 2) };
			}
			if (req.path === '/v2/organizations')
				return { body: Number(req.qs.after ?? 0) ? [] : [{ id: 1, name: 'Acme' }] };
			return undefined;
		});
		const found = await rmm.searchDevices({ returnAll: true });
		expect(found.map((d) => d.hostname)).toEqual(devices.map((d) => d.systemName));
		expect(requests.filter((r) => r.path === '/v2/devices').map((r) => r.qs.after)).toEqual([
			undefined,
			2,
			4,
			5,
		]);
	});
});

describe('NinjaOne: device organization name with or without `references` [unverified: filled only when expanded]', () => {
	it.each([
		['with references', { references: { organization: { name: 'Acme' } } }, 0],
		['without references', {}, 1],
	])('names the organization %s', async (_label, extra, orgListings) => {
		const { rmm, requests } = fakeRmm('ninjaOne', (req) => {
			if (req.path === '/v2/device/7')
				return { body: { id: 7, systemName: 'WS-7', organizationId: 1, ...extra } };
			if (req.path === '/v2/organizations')
				return { body: Number(req.qs.after ?? 0) ? [] : [{ id: 1, name: 'Acme' }] };
			return undefined;
		});
		expect((await rmm.getDevice('7')).companyName).toBe('Acme');
		expect(
			requests.filter((r) => r.path === '/v2/organizations' && r.qs.after === undefined),
		).toHaveLength(orgListings);
	});
});

describe('NinjaOne: a script’s output in the activity data or only its message [unverified]', () => {
	const SERIES = '9e300000-0000-4000-8000-000000000002';
	it.each([
		[
			'data.message.params',
			{ data: { message: { params: { exitCode: 3, output: 'from data' } } }, message: 'Done' },
			{ exitCode: 3, output: 'from data' },
		],
		[
			'message only',
			{ message: 'Clear Temp completed' },
			{ exitCode: undefined, output: 'Clear Temp completed' },
		],
	])('reads the result from %s', async (_label, activity, expected) => {
		const { rmm } = fakeRmm('ninjaOne', (req) =>
			req.path === '/v2/device/1001/activities'
				? {
						body: {
							lastActivityId: 9,
							activities: [
								{
									id: 9,
									seriesUid: SERIES,
									statusCode: 'COMPLETED',
									activityResult: 'FAILURE',
									...activity,
								},
							],
						},
					}
				: undefined,
		);
		const job = await rmm.getScriptRun('1001', SERIES);
		expect(job).toMatchObject({ status: 'failed', output: expected.output });
		expect(job.exitCode).toBe(expected.exitCode);
	});
});
