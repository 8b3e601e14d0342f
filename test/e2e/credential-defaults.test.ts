import { randomUUID } from 'crypto';

import { startSandbox, type Sandbox } from '../../sandbox';
import type { IssuedToken } from '../../sandbox/lib/tokens';
import type { Device, World } from '../../sandbox/world/types';
import { N8nInstance, PACKAGE_NAME, n8nWithPackage, type StartedN8n } from './helpers/n8n';
import { N8nRest } from './helpers/rest';

/**
 * A NinjaOne credential as a user creates it in the editor of a real n8n 2.41: the editor's form
 * saves only what the user filled in (instance URL, client id and secret), so the scopes are
 * whatever the credential declares as default. Such a credential must be able to apply patches and
 * run scripts, which NinjaOne only allows a token with the `management` scope. So must a credential
 * an older editor saved with `scopes: []`. The sandbox's NinjaOne refuses management calls to a
 * token without that scope, like NinjaOne does.
 */

const WEBHOOK_PREFIX = 'msp-ninjaone-defaults';

interface Target {
	device: Device;
	scriptId: number;
}

interface Case {
	label: string;
	data: (baseUrl: string) => Record<string, unknown>;
}

const CASES: Case[] = [
	{
		label: 'filled in the editor, scopes left at their default',
		data: (baseUrl) => ({ region: 'custom', baseUrl, ...secrets() }),
	},
	{
		label: 'saved by an older editor with scopes []',
		data: (baseUrl) => ({ region: 'custom', baseUrl, ...secrets(), scopes: [] }),
	},
];

function secrets() {
	const ninja = startedSandbox.n8nCredentials().find((c) => c.type === 'mspNinjaOneApi');
	if (!ninja) throw new Error('the sandbox has no NinjaOne credential');
	return { clientId: ninja.data.clientId, clientSecret: ninja.data.clientSecret };
}

let startedSandbox: Sandbox;

describe('NinjaOne credential created through the editor API: patches and scripts run', () => {
	let n8n: N8nInstance;
	let main: StartedN8n;
	let rest: N8nRest;
	const hooks: Array<{ label: string; path: string; target: Target; credentialId: string }> = [];

	beforeAll(async () => {
		const began = Date.now();
		[startedSandbox, n8n] = await Promise.all([startSandbox({ port: 0 }), n8nWithPackage()]);
		main = await n8n.start();
		rest = new N8nRest(() => main.baseUrl);
		await rest.setupOwner();
		await rest.login();
		const targets = patchableDevices(startedSandbox.world(), CASES.length);
		for (const [index, c] of CASES.entries()) {
			const credential = await rest.createCredential({
				name: `NinjaOne (${c.label})`,
				type: 'mspNinjaOneApi',
				data: c.data(startedSandbox.vendorUrl('ninjaone')),
			});
			const path = `${WEBHOOK_PREFIX}-${index}`;
			const workflowId = await rest.createWorkflow(
				workflow(c.label, path, targets[index], credential),
			);
			await rest.publish(workflowId);
			hooks.push({ label: c.label, path, target: targets[index], credentialId: credential.id });
		}
		console.log(`[credential-defaults] n8n up in ${((Date.now() - began) / 1000).toFixed(1)} s`);
	}, 240_000);

	afterAll(async () => {
		await n8n?.dispose();
		await startedSandbox?.stop();
	});

	it('stores no scopes for the credential the editor form creates', async () => {
		const stored = await rest.credentialData(hooks[0].credentialId);
		expect(stored).not.toHaveProperty('apiScopes');
		expect(stored).not.toHaveProperty('scopes');
		expect(stored.clientId).toBe(secrets().clientId);
	});

	it.each(CASES.map((c, i) => [c.label, i] as const))(
		'%s: asks for monitoring and management, applies patches and runs the script',
		async (_label, index) => {
			const { path, target } = hooks[index];
			const world = startedSandbox.world();
			const tokensBefore = new Set(issuedTokens(world).map((t) => t.token));
			const since = lastSeq(startedSandbox);
			const approved = world.patches
				.filter((p) => p.deviceKey === target.device.key && p.status === 'approved')
				.map((p) => p.key);

			const answer = JSON.parse(await callWebhook(main.baseUrl, path)) as Array<
				Record<string, unknown>
			>;
			expect(answer).toHaveLength(1);

			const log = startedSandbox.requests.query({ vendor: 'ninjaone', since });
			const token = log.filter((e) => e.method === 'POST' && e.path.endsWith('/ws/oauth/token'));
			expect(token.length).toBeGreaterThan(0);
			expect(token.every((e) => e.status === 200)).toBe(true);
			// The sandbox grants exactly the scopes asked for (only `monitoring` when none are asked).
			const issued = issuedTokens(world).filter((t) => !tokensBefore.has(t.token));
			expect(issued.length).toBeGreaterThan(0);
			expect(new Set(issued.map((t) => t.scope))).toEqual(new Set(['monitoring management']));

			const deviceId = target.device.ids.ninjaDeviceId;
			const apply = log.filter((e) => e.path === `/ninjaone/v2/device/${deviceId}/patch/os/apply`);
			const script = log.filter((e) => e.path === `/ninjaone/v2/device/${deviceId}/script/run`);
			expect(apply.map((e) => [e.method, e.status])).toEqual([['POST', 204]]);
			expect(script.map((e) => [e.method, e.status])).toEqual([['POST', 204]]);
			expect(log.filter((e) => e.status >= 400)).toEqual([]);

			// What the NinjaOne world now holds: a patch job for the approved patches and a script job.
			const operations = world.operations.filter((o) => o.deviceKey === target.device.key);
			expect(operations.map((o) => o.kind).sort()).toEqual(['patchInstall', 'script']);
			expect(operations.find((o) => o.kind === 'patchInstall')?.patchKeys?.sort()).toEqual(
				approved.sort(),
			);
			const ran = world.scripts.find((s) => s.ninjaScriptId === target.scriptId);
			expect(operations.find((o) => o.kind === 'script')?.scriptKey).toBe(ran?.key);
		},
		60_000,
	);

	it('the sandbox refuses a script run to a token without the management scope', async () => {
		// Guards the two runs above: they only prove something while NinjaOne's scope check holds.
		const base = startedSandbox.vendorUrl('ninjaone');
		const tokenAnswer = await fetch(`${base}/ws/oauth/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				grant_type: 'client_credentials',
				client_id: String(secrets().clientId),
				client_secret: String(secrets().clientSecret),
				scope: 'monitoring',
			}),
		});
		const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
		const { device, scriptId } = hooks[0].target;
		const run = await fetch(`${base}/v2/device/${device.ids.ninjaDeviceId}/script/run`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
			body: JSON.stringify({ type: 'SCRIPT', id: scriptId, runAs: 'system' }),
		});
		expect(run.status).toBe(403);
		expect(await run.text()).toContain('missing the required scope: management');
	});
});

/** Online devices with approved patches that no job touches yet, one per credential. */
function patchableDevices(world: World, count: number): Target[] {
	const scriptId = world.scripts[0]?.ninjaScriptId;
	if (scriptId === undefined) throw new Error('the sandbox world has no scripts');
	const devices = world.devices.filter(
		(d) =>
			d.online &&
			!d.failsPatchInstall &&
			world.patches.some((p) => p.deviceKey === d.key && p.status === 'approved'),
	);
	if (devices.length < count) throw new Error('the sandbox world has too few patchable devices');
	return devices.slice(0, count).map((device) => ({ device, scriptId }));
}

function issuedTokens(world: World): IssuedToken[] {
	const tokens = world.vendors['ninjaone:tokens'] as Map<string, IssuedToken> | undefined;
	return [...(tokens?.values() ?? [])];
}

function lastSeq(sandbox: Sandbox): number {
	const all = sandbox.requests.all();
	return all.length ? all[all.length - 1].seq : 0;
}

/**
 * POSTs to the production webhook. n8n answers 404 while it is still registering the published
 * workflow's webhook: that answer is tried again for up to 30 s.
 */
async function callWebhook(baseUrl: string, path: string): Promise<string> {
	const deadline = Date.now() + 30000;
	for (;;) {
		const response = await fetch(`${baseUrl}/webhook/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}',
		});
		const text = await response.text();
		if (response.status === 200) return text;
		if (response.status !== 404 || Date.now() > deadline) {
			throw new Error(`webhook ${response.status}: ${text}`);
		}
		await new Promise((r) => setTimeout(r, 500));
	}
}

/** Webhook → MSP RMM Patch › Apply → MSP RMM Script › Run, both on one NinjaOne device. */
function workflow(
	label: string,
	path: string,
	target: Target,
	credential: { id: string; name: string },
) {
	const rmm = (id: string, name: string, x: number, parameters: Record<string, unknown>) => ({
		id,
		name,
		type: `${PACKAGE_NAME}.mspRmm`,
		typeVersion: 1,
		position: [x, 0],
		parameters: {
			provider: 'ninjaOne',
			device: { __rl: true, mode: 'id', value: String(target.device.ids.ninjaDeviceId) },
			...parameters,
		},
		credentials: { mspNinjaOneApi: { id: credential.id, name: credential.name } },
	});
	return {
		name: `NinjaOne patch and script (${label})`,
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path,
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			rmm(randomUUID(), 'Apply patches', 220, {
				resource: 'patch',
				operation: 'apply',
				options: {},
			}),
			rmm(randomUUID(), 'Run script', 440, {
				resource: 'script',
				operation: 'run',
				script: { __rl: true, mode: 'id', value: String(target.scriptId) },
				options: {},
			}),
		],
		connections: {
			Webhook: { main: [[{ node: 'Apply patches', type: 'main', index: 0 }]] },
			'Apply patches': { main: [[{ node: 'Run script', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
