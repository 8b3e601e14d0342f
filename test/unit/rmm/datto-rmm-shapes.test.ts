import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { rmmProvider } from '../../../nodes/MspRmm/providers';

/**
 * Datto RMM shapes the sandbox serves one way: a last page with `nextPageUrl` null or "", timestamps
 * as epoch milliseconds or date-time strings, a 403 that is an IP block or a refusal.
 */
const BASE = 'https://merlot-api.centrastage.net';
const UID = '1c6e3c7e-8f7b-4b7e-9b8e-0d2a1c3b4d5e';
/** An hour ago, as epoch milliseconds, as ISO UTC, and written with a +02:00 offset. */
const SEEN_MS = Date.now() - 3_600_000;
const SEEN_ISO = new Date(SEEN_MS).toISOString();
const SEEN_PLUS_TWO = new Date(SEEN_MS + 7_200_000).toISOString().replace(/\.\d{3}Z$/, '+02:00');
const RELEASE_DAY = SEEN_ISO.slice(0, 10);

interface Sent {
	method: string;
	url: string;
	qs: Record<string, unknown>;
}
type Answer = { status?: number; body?: unknown; headers?: Record<string, string> };

function fakeDatto(answer: (sent: Sent, index: number) => Answer) {
	const sent: Sent[] = [];
	const httpRequestWithAuthentication = async (_type: string, options: IHttpRequestOptions) => {
		const request = {
			method: String(options.method ?? 'GET'),
			url: String(options.url),
			qs: { ...(options.qs ?? {}) } as Record<string, unknown>,
		};
		sent.push(request);
		const a = answer(request, sent.length - 1);
		return {
			statusCode: a.status ?? 200,
			headers: { 'content-type': 'application/json', ...a.headers },
			body: a.body,
		};
	};
	const ctx = {
		getNode: () => ({
			id: 'fake',
			name: 'MSP RMM',
			type: 'n8n-nodes-msp-orchestration.mspRmm',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		}),
		getCredentials: async () => ({ platform: 'merlot', apiKey: 'k', apiSecret: 's' }),
		helpers: { httpRequestWithAuthentication },
	} as unknown as IExecuteFunctions;
	const rmm = rmmProvider(ctx, 'dattoRmm', { pacer: null, sleep: async () => undefined });
	return { rmm, sent };
}

const device = (n: number, lastSeen: unknown) => ({
	id: n,
	uid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
	siteUid: '9a8b7c6d-0000-4000-8000-000000000100',
	siteName: 'Main Site',
	hostname: `PC-${n}`,
	deviceType: { category: n === 1 ? 'Server' : 'Laptop', type: 'Physical' },
	online: true,
	lastSeen,
	a64Bit: null,
});

describe('Datto RMM shapes', () => {
	it.each([null, ''])('follows nextPageUrl as given and stops at %p', async (terminal) => {
		const next = `${BASE}/api/v2/account/devices?max=250&page=1`;
		const { rmm, sent } = fakeDatto((_s, i) => ({
			body: {
				pageDetails: { count: 1, nextPageUrl: i === 0 ? next : terminal },
				devices: [device(i + 1, SEEN_MS)],
			},
		}));
		const devices = await rmm.searchDevices({ returnAll: true });
		expect(devices.map((d) => d.hostname)).toEqual(['PC-1', 'PC-2']);
		expect(sent[0].url).toBe(`${BASE}/api/v2/account/devices`);
		expect(sent[0].qs).toMatchObject({ page: 0, max: 250 });
		expect(sent[1].url).toBe(next);
		expect(sent).toHaveLength(2);
	});

	it('reads lastSeen as epoch milliseconds or as a date-time string, into ISO UTC', async () => {
		const { rmm } = fakeDatto(() => ({
			body: {
				pageDetails: { nextPageUrl: null },
				devices: [device(1, SEEN_MS), device(2, SEEN_PLUS_TWO), device(3, null)],
			},
		}));
		const devices = await rmm.searchDevices({ returnAll: true });
		expect(devices.map((d) => d.lastSeen)).toEqual([
			SEEN_ISO,
			SEEN_ISO.replace(/\.\d{3}Z$/, '.000Z'),
			undefined,
		]);
		expect(devices.map((d) => d.type)).toEqual(['server', 'workstation', 'workstation']);
		expect(devices[0].company).toEqual({
			id: '9a8b7c6d-0000-4000-8000-000000000100',
			name: 'Main Site',
		});
	});

	it('retries a 403 IP block that says so, and keeps a plain 403 with Datto’s words', async () => {
		const blocked = fakeDatto((_s, i) =>
			i === 0
				? {
						status: 403,
						headers: { 'retry-after': '1' },
						body: { status: 403, error: 'Forbidden', message: 'IP address blocked' },
					}
				: { body: device(1, SEEN_MS) },
		);
		expect((await blocked.rmm.getDevice(UID)).hostname).toBe('PC-1');
		expect(blocked.sent).toHaveLength(2);

		const refused = fakeDatto(() => ({
			status: 403,
			body: {
				timestamp: 1,
				status: 403,
				error: 'Forbidden',
				message: 'Access denied to device',
				path: `/v2/device/${UID}`,
			},
		}));
		await expect(refused.rmm.getDevice(UID)).rejects.toThrow(/Access denied to device/);
		expect(refused.sent).toHaveLength(1);
	});

	it('checks every uid before a request and names what Datto takes', async () => {
		const { rmm, sent } = fakeDatto(() => ({ body: {} }));
		await expect(rmm.getDevice('1013')).rejects.toThrow(
			/Device ID "1013" is not valid for Datto RMM: a Datto RMM device ID is the device uid, a UUID/,
		);
		await expect(rmm.listAlerts({ companyId: 'Main Site' })).rejects.toThrow(/Site ID/);
		await expect(rmm.resetAlert('a,b')).rejects.toThrow(/alert uid/);
		await expect(rmm.getScriptRun(UID, '42')).rejects.toThrow(/job uid/);
		expect(rmm.idProblem('device', UID)).toBeUndefined();
		expect(rmm.scriptParametersProblem('Days')).toMatch(/name=value/);
		expect(sent).toHaveLength(0);
	});

	it('maps the patch buckets, KB and severity, and leaves failed to the device status', async () => {
		const { rmm, sent } = fakeDatto(() => ({
			body: {
				pageDetails: { nextPageUrl: '' },
				patches: [
					{
						patchId: 'p1',
						title: 'CU',
						kbArticleId: '5034441',
						severity: 'CRITICAL',
						installStatus: 'APPROVED_PENDING',
					},
					{
						patchId: 'p2',
						title: 'Defender',
						kbArticleId: 'KB2267602',
						severity: 'UNSPECIFIED',
						installStatus: 'INSTALLED',
						releaseDate: RELEASE_DAY,
					},
					{ patchId: 'p3', title: 'Driver', installStatus: 'NOT_APPROVED', severity: 'LOW' },
				],
			},
		}));
		const patches = await rmm.listPatches(UID);
		expect(sent[0].url).toBe(`${BASE}/api/v2/device/${UID}/patches`);
		expect(patches.map((p) => [p.id, p.status, p.kb, p.severity])).toEqual([
			['p1', 'approved', 'KB5034441', 'critical'],
			['p2', 'installed', 'KB2267602', undefined],
			['p3', 'pending', undefined, 'low'],
		]);
		expect(patches[1].releasedAt).toBe(`${RELEASE_DAY}T00:00:00.000Z`);
	});
});
