import { createServer } from 'http';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';

import { runWorkflow, type WorkflowJson } from './harness';

/**
 * Redaction follows the token through n8n-core itself: the harness runs the built MSP RMM node
 * with n8n-core's httpRequestWithAuthentication, which fetches the NinjaOne token during the run
 * (preAuthentication) and fetches it again after a 401. A NinjaOne stand-in echoes the token and
 * the client secret; neither may appear anywhere in the run data or on the console.
 */

const CLIENT_SECRET = 'S3cr/ninja+client=9f&8e7d';

class EchoingNinjaOne {
	url = '';

	readonly issued: string[] = [];

	private server?: Server;

	private valid?: string;

	/** Answer to device reads; `rejectFirst` makes the first read a 401 so n8n logs in again. */
	mode: { status: number; rejectFirst: boolean } = { status: 200, rejectFirst: false };

	private reads = 0;

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			req.resume();
			req.on('end', () => this.handle(req, res));
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()));
	}

	reset(mode: { status: number; rejectFirst: boolean }): void {
		this.mode = mode;
		this.reads = 0;
		this.valid = undefined;
		this.issued.length = 0;
	}

	private handle(req: IncomingMessage, res: ServerResponse): void {
		if (req.url?.startsWith('/ws/oauth/token')) {
			const token = `ninja+${this.issued.length + 1}/tok-${'z'.repeat(16)}==`;
			this.issued.push(token);
			this.valid = token;
			return this.reply(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
		}
		const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
		this.reads += 1;
		if (bearer !== this.valid || (this.mode.rejectFirst && this.reads === 1)) {
			return this.reply(res, 401, { error: 'invalid_token' });
		}
		const echo = `Bearer ${bearer} / ${bearer} / ${encodeURIComponent(bearer ?? '')} / ${CLIENT_SECRET} / ${Buffer.from(CLIENT_SECRET).toString('base64')}`;
		if (this.mode.status >= 400)
			return this.reply(res, this.mode.status, {
				errorMessage: `Rejected ${echo}`,
				request: { echo },
			});
		this.reply(res, 200, {
			id: 7,
			systemName: 'WS-7',
			displayName: `WS-7 (${echo})`,
			nodeClass: 'WINDOWS_WORKSTATION',
			notes: echo,
		});
	}

	private reply(res: ServerResponse, status: number, body: unknown): void {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(body));
	}
}

const workflow: WorkflowJson = {
	name: 'Read a device',
	nodes: [
		{
			id: '1',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: '2',
			name: 'Device',
			type: 'n8n-nodes-msp-orchestration.mspRmm',
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				provider: 'ninjaOne',
				resource: 'device',
				operation: 'get',
				device: { __rl: true, mode: 'id', value: '7' },
				options: { includeRaw: true },
			},
		},
	],
	connections: { Start: { main: [[{ node: 'Device', type: 'main', index: 0 }]] } },
};

describe('workflow: secrets stay out of the run data', () => {
	const vendor = new EchoingNinjaOne();
	let consoleLines: string[] = [];

	beforeAll(async () => vendor.start());
	afterAll(async () => vendor.stop());
	beforeEach(() => {
		consoleLines = [];
		for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
			jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
				consoleLines.push(
					args.map((arg) => (typeof arg === 'string' ? arg : String(arg))).join(' '),
				);
			});
		}
		// n8n's logger writes to the streams directly.
		for (const stream of [process.stdout, process.stderr]) {
			const write = stream.write.bind(stream);
			jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
				consoleLines.push(String(chunk));
				return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
			}) as typeof stream.write);
		}
	});
	afterEach(() => jest.restoreAllMocks());

	async function runIt() {
		const credentials = {
			mspNinjaOneApi: {
				region: 'custom',
				baseUrl: vendor.url,
				clientId: 'ninja-client',
				clientSecret: CLIENT_SECRET,
			},
		};
		const result = await runWorkflow(workflow, { credentials });
		const error = result.error as (Error & Record<string, unknown>) | undefined;
		const visible = [
			JSON.stringify(result.run),
			error ? JSON.stringify({ ...error, message: error.message, stack: error.stack }) : '',
			...consoleLines,
		].join('\n');
		return { result, visible };
	}

	function expectAbsent(visible: string) {
		for (const value of [
			CLIENT_SECRET,
			...vendor.issued,
			...vendor.issued.map(encodeURIComponent),
			Buffer.from(CLIENT_SECRET).toString('base64'),
		]) {
			expect(visible).not.toContain(value);
		}
	}

	it('the token fetched during the run, echoed in a 200 body', async () => {
		vendor.reset({ status: 200, rejectFirst: false });
		const { result, visible } = await runIt();
		expect(result.error).toBeUndefined();
		expect(vendor.issued).toHaveLength(1);
		expect(result.outputOf('Device')[0].hostname).toBe('WS-7');
		expect(JSON.stringify(result.outputOf('Device'))).toContain('[redacted]');
		expectAbsent(visible);
	}, 60_000);

	it.each([400, 500])(
		'the token fetched again after a 401, echoed in a %i body',
		async (status) => {
			vendor.reset({ status, rejectFirst: true });
			const { result, visible } = await runIt();
			expect(result.status).toBe('error');
			expect(result.error).toBeDefined();
			expect(vendor.issued).toHaveLength(2);
			expect(visible).toContain('[redacted]');
			expectAbsent(visible);
		},
		60_000,
	);
});
