import axios, { type AxiosInstance } from 'axios';

import { startSandbox, type Sandbox } from '../../../sandbox';
import { validateAgainstSpec, type SpecSample as Sample } from './spec';

const validate = (samples: Sample[]) => validateAgainstSpec('connectwise-automate', samples);

describe('sandbox: ConnectWise Automate', () => {
	let sandbox: Sandbox;
	let http: AxiosInstance;
	let creds: Record<string, string>;
	const samples: Sample[] = [];

	const clientHeader = () => ({ ClientId: creds.clientId });
	async function login(): Promise<Record<string, string>> {
		const res = await http.post(
			'/apitoken',
			{ Username: creds.username, Password: creds.password },
			{ headers: clientHeader() },
		);
		expect(res.status).toBe(200);
		samples.push({ label: 'token', operationId: 'ApiToken_Post', status: 200, body: res.data });
		return { ...clientHeader(), Authorization: `Bearer ${res.data.AccessToken}` };
	}
	async function get(url: string, params?: Record<string, unknown>) {
		return http.get(url, { params, headers: await login() });
	}
	async function sampled(
		label: string,
		operationId: string,
		url: string,
		params?: Record<string, unknown>,
		rowSchema?: string,
	) {
		const res = await get(url, params);
		expect(res.status).toBe(200);
		samples.push({ label, operationId, status: 200, body: res.data, rowSchema });
		return res;
	}

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, timing: { readsToFinish: 2, msToFinish: 600_000 } });
		http = axios.create({
			baseURL: `${sandbox.vendorUrl('connectwise-automate')}/cwa/api/v1`,
			validateStatus: () => true,
		});
		creds = sandbox.vendorCredentials().find((v) => v.id === 'connectwise-automate')
			?.credentials as Record<string, string>;
	});
	afterAll(async () => sandbox.stop());
	beforeEach(() => {
		sandbox.reset();
		sandbox.setFaults({ profile: 'none', vendors: [], throttleWindowScale: 1 });
	});

	describe('authentication', () => {
		it('issues a TokenResult for Username/Password with the ClientId header, field names case-insensitive', async () => {
			const res = await http.post(
				'/APIToken',
				{ username: creds.username, password: creds.password },
				{ headers: clientHeader() },
			);
			expect(res.status).toBe(200);
			expect(res.data).toMatchObject({
				AccessToken: expect.any(String),
				TokenType: 'Bearer',
				IsTwoFactorRequired: false,
				InternalUserName: creds.username,
			});
		});

		it('refuses a login without ClientId and a wrong password with the code/message body', async () => {
			const noClient = await http.post('/apitoken', {
				Username: creds.username,
				Password: creds.password,
			});
			expect(noClient.status).toBe(401);
			expect(noClient.data).toMatchObject({
				code: 'Unauthorized',
				message: expect.stringMatching(/ClientId/),
				errors: [],
			});
			const wrong = await http.post(
				'/apitoken',
				{ Username: creds.username, Password: 'nope' },
				{ headers: clientHeader() },
			);
			expect(wrong.status).toBe(401);
			expect(wrong.data.message).toMatch(/username or password/);
		});

		it('asks for the two-factor passcode, then accepts it', async () => {
			const first = await http.post(
				'/apitoken',
				{ Username: 'sandbox-2fa', Password: 'Sandbox-Automate-Pass-2' },
				{ headers: clientHeader() },
			);
			expect(first.data).toMatchObject({ AccessToken: null, IsTwoFactorRequired: true });
			const bad = await http.post(
				'/apitoken',
				{
					Username: 'sandbox-2fa',
					Password: 'Sandbox-Automate-Pass-2',
					TwoFactorPasscode: '000000',
				},
				{ headers: clientHeader() },
			);
			expect(bad.status).toBe(401);
			const good = await http.post(
				'/apitoken',
				{
					Username: 'sandbox-2fa',
					Password: 'Sandbox-Automate-Pass-2',
					TwoFactorPasscode: '246810',
				},
				{ headers: clientHeader() },
			);
			expect(good.data.AccessToken).toEqual(expect.any(String));
			// A passcode logs in once: used again, it is refused like a wrong one.
			const reused = await http.post(
				'/apitoken',
				{
					Username: 'sandbox-2fa',
					Password: 'Sandbox-Automate-Pass-2',
					TwoFactorPasscode: '246810',
				},
				{ headers: clientHeader() },
			);
			expect(reused.status).toBe(401);
			expect(reused.data.message).toBe('Invalid two-factor passcode.');
		});

		it('answers the server time with its UTC offset (DatabaseServerTime)', async () => {
			const res = await get('/DatabaseServerTime');
			expect(res.status).toBe(200);
			expect(res.data).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/);
		});

		it('needs both the bearer token and ClientId on every call', async () => {
			const headers = await login();
			expect((await http.get('/Computers', { headers: { ClientId: creds.clientId } })).status).toBe(
				401,
			);
			expect(
				(await http.get('/Computers', { headers: { Authorization: headers.Authorization } }))
					.status,
			).toBe(401);
			expect((await http.get('/Computers', { headers })).status).toBe(200);
		});
	});

	describe('computers and clients', () => {
		it('pages computers with page/pageSize until an empty array', async () => {
			const headers = await login();
			const ids: string[] = [];
			for (let page = 1; page < 20; page++) {
				const res = await http.get('/Computers', {
					params: { page, pageSize: 8, orderBy: 'Id asc' },
					headers,
				});
				if (!res.data.length) break;
				ids.push(...res.data.map((c: { Id: string }) => c.Id));
			}
			expect(ids).toHaveLength(30);
			expect(new Set(ids).size).toBe(30);
		});

		it('caps a page at 500 without saying so: a short page is not the last one', async () => {
			sandbox.reset({ clients: 2, devicesPerClient: 400 });
			const headers = await login();
			const sizes: number[] = [];
			for (let page = 1; page < 10; page++) {
				const res = await http.get('/Computers', { params: { page, pageSize: 1000 }, headers });
				sizes.push(res.data.length);
				if (!res.data.length) break;
			}
			expect(sizes).toEqual([500, 300, 0]);
		}, 30_000);

		it('filters with condition (client, status, type, like) and accepts the options.* prefix', async () => {
			const res = await sampled('computers', 'Computers_GetComputerList', '/Computers', {
				condition: "(Client.Id = 32) and (Type = 'Server')",
				orderBy: 'ComputerName asc',
			});
			expect(res.data.map((c: { ComputerName: string }) => c.ComputerName)).toEqual([
				'NWL-DC01',
				'NWL-SRV01',
				'NWL-SRV02',
			]);
			const prefixed = await get('/Computers', {
				'options.condition': "ComputerName like 'nwl-%ws03'",
				'options.pageSize': 5,
			});
			expect(prefixed.data.map((c: { ComputerName: string }) => c.ComputerName)).toEqual([
				'NWL-WS03',
			]);
			const bad = await get('/Computers', { condition: 'Nonsense = 1' });
			expect(bad.status).toBe(400);
			expect(bad.data).toMatchObject({
				code: 'BadRequest',
				errors: [{ message: 'Unknown field Nonsense' }],
			});
			await sampled('clients', 'Clients_GetClientList', '/Clients');
		});
	});

	describe('patching', () => {
		it('shows Microsoft updates and stats, deploys approved updates and records the failure of NWL-WS03', async () => {
			const updates = await sampled(
				'microsoft updates',
				'ComputerMicrosoftUpdateData_GetComputerMicrosoftUpdateDataListAsync',
				'/Computers/213/MicrosoftUpdates',
				{ condition: 'IsInstalled = false' },
				'LabTech.Models.ComputerMicrosoftUpdateData',
			);
			const approved = updates.data.filter(
				(u: { PolicyApproval: { Name: string } }) => u.PolicyApproval.Name === 'Approved',
			).length;
			expect(approved).toBeGreaterThan(0);
			const headers = await login();
			const deploy = await http.post(
				'/PatchActions/DeployAllApproved',
				{ EntityType: 1, EntityId: 213 },
				{ headers },
			);
			expect(deploy.status).toBe(204);
			samples.push({
				label: 'deploy 204',
				operationId: 'PatchActions_DeployAllApproved',
				status: 204,
				body: undefined,
			});
			const running = await sampled(
				'patching stats',
				'DevicePatchingStatistics_GetDevicePatchingStatisticsAsync',
				'/Computers/213/PatchingStats',
			);
			expect(running.data.PatchJobRunning).toBe(true);
			const done = await get('/Computers/213/PatchingStats');
			expect(done.data).toMatchObject({ PatchJobRunning: false, FailedPatchCount: approved });
			const history = await sampled(
				'patch history',
				'PatchHistory_GetPatchHistoryListAsync',
				'/PatchHistory',
				{ condition: "ComputerId = 213 and ResultCode.Name = 'Failed'" },
			);
			expect(history.data).toHaveLength(approved);
		});

		it('rejects an unsupported entity type and an unknown computer', async () => {
			const headers = await login();
			expect(
				(
					await http.post(
						'/PatchActions/DeployAllApproved',
						{ EntityType: 7, EntityId: 213 },
						{ headers },
					)
				).status,
			).toBe(400);
			expect(
				(
					await http.post(
						'/PatchActions/DeployAllApproved',
						{ EntityType: 1, EntityId: 999 },
						{ headers },
					)
				).status,
			).toBe(404);
		});
	});

	describe('scripts', () => {
		it('schedules a script run and reports it in ScriptHistory with its log', async () => {
			await sampled('scripts', 'Scripts_GetScriptList', '/Scripts');
			const headers = await login();
			const scheduled = await http.post(
				'/Computers/201/ScheduledScripts',
				{
					ScriptId: 6005,
					ComputerId: 201,
					Parameters: 'drive=C|',
					ScheduleType: 1,
					NextRun: new Date().toISOString(),
				},
				{ headers },
			);
			expect(scheduled.status).toBe(200);
			samples.push({
				label: 'scheduled script',
				operationId: 'ScheduledScript_PostComputerScheduledScript',
				status: 200,
				body: scheduled.data,
			});
			await sampled(
				'scheduled script by id',
				'ScheduledScript_GetComputerScheduledScript',
				`/Computers/201/ScheduledScripts/${scheduled.data.Id}`,
			);
			await sampled(
				'running scripts',
				'ComputerRunningScripts_GetComputerRunningScripts',
				'/Computers/201/RunningScripts',
			);
			const history = await sampled(
				'script history',
				'ComputerScriptHistory_GetComputerScriptHistoryList',
				'/Computers/201/ScriptHistory',
				{ condition: 'ScriptId = 6005', orderBy: 'HistoryDate desc' },
			);
			expect(history.data[0]).toMatchObject({
				ScriptId: 6005,
				Status: 'Completed',
				State: 'Success',
				DiagnosticMessage: expect.stringContaining('BSD-WS01'),
			});
		});
	});

	describe('alerts', () => {
		it('lists alerts across computers and per computer', async () => {
			const all = await sampled('alerts', 'Alerts_GetAlertsList', '/Alerts', {
				condition: "Severity.Name = 'Critical'",
			});
			expect(all.data.map((a: { Computer: { Name: string } }) => a.Computer.Name)).toEqual([
				'NWL-DC01',
			]);
			await sampled(
				'computer alerts',
				'ComputerAlerts_GetComputerAlerts',
				'/Computers/208/Alerts',
				undefined,
				'Automate.Api.Domain.Contracts.Alerts.Alert',
			);
		});
	});

	describe('errors and throttling', () => {
		it('answers an unknown route with 404 and the code/message body', async () => {
			const res = await get('/Nope');
			expect(res.status).toBe(404);
			expect(res.data).toMatchObject({ code: 'NotFound' });
		});

		it('answers 429 with Retry-After once the limit is spent', async () => {
			sandbox.setFaults({ profile: 'throttled', vendors: ['connectwise-automate'] });
			const headers = await login();
			let limited;
			for (let i = 0; i < 605 && !limited; i++) {
				const res = await http.get('/Clients', { headers });
				if (res.status === 429) limited = res;
			}
			expect(limited?.status).toBe(429);
			expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
			expect(limited?.data).toMatchObject({ code: 'TooManyRequests' });
			// Up to 605 sequential requests to spend the budget: the time a loaded machine needs.
		}, 120_000);
	});

	describe('fire-drill changes', () => {
		it('presents an added domain controller, an offline computer and an RMM-only client name as the spec describes', async () => {
			sandbox.reset({ variations: { clientNames: { HLL: { rmm: 'Harper Lowe (RMM)' } } } });
			const dc = sandbox.addDevice({
				hostname: 'HLL-AD01',
				client: 'HLL',
				type: 'domainController',
				os: 'Windows Server 2022 Standard',
			});
			sandbox.updateDevice('HLL-SRV02', { online: false });
			const res = await sampled(
				'added and offline servers',
				'Computers_GetComputerList',
				'/Computers',
				{ condition: "(Client.Id = 33) and (Type = 'Server')", orderBy: 'ComputerName asc' },
			);
			const byName = Object.fromEntries(
				(res.data as Array<Record<string, unknown>>).map((c) => [c.ComputerName, c]),
			);
			expect(byName['HLL-AD01']).toMatchObject({
				Id: String(dc.ids.automate.computerId),
				Type: 'Server',
				OperatingSystemName: 'Microsoft Windows Server 2022 Standard x64',
				Client: { Name: 'Harper Lowe (RMM)' },
			});
			expect(byName['HLL-SRV02']).toMatchObject({ Status: 'Offline' });
			const clients = await sampled(
				'clients with an RMM-only name',
				'Clients_GetClientList',
				'/Clients',
			);
			expect(clients.data.map((c: { Name: string }) => c.Name)).toContain('Harper Lowe (RMM)');
		});
	});

	it('every response the node relies on matches the Automate spec', () => {
		expect(samples.length).toBeGreaterThanOrEqual(12);
		const failures = validate(samples).filter((r) => r.errors.length);
		expect(failures).toEqual([]);
	});

	it('the validator rejects a payload the spec does not allow', () => {
		const [result] = validate([
			{
				label: 'bad stats',
				operationId: 'DevicePatchingStatistics_GetDevicePatchingStatisticsAsync',
				status: 200,
				body: { ComputerId: 'x', PatchJobRunning: 'maybe' },
			},
		]);
		expect(result.errors.length).toBeGreaterThan(0);
	});
});
