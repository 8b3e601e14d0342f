import { createServer } from 'http';
import type { IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject } from 'n8n-workflow';

import type { VendorProfile } from '../../../nodes/shared';
import { runPerItem, secretsOf, Transport } from '../../../nodes/shared';
import { fakeExecuteContext } from '../helpers/fakeContext';
import { REGISTERED_CREDENTIAL_NAMES, registeredCredentialTypes } from './registeredCredentials';

/**
 * A vendor that echoes credential material back, for every credential type the package
 * registers: the secrets themselves, the token n8n fetched during the execution (and the one it
 * fetched again after a 401 halfway through), the Authorization header as sent, Basic tokens with
 * and without their prefix, URL-encoded and base64 forms, in a 200, a 4xx and a 5xx body. None of
 * it may reach the output items, the thrown error or the console.
 *
 * Requests go through the real credential classes (authenticate, preAuthentication) by way of
 * fakeExecuteContext, which stores a fetched token in the credential the way n8n does.
 */

const types = registeredCredentialTypes();
/** Credentials that log in for a token (kept in a hidden, expirable password field). */
const withLogin = types.filter(
	(type) =>
		typeof type.preAuthentication === 'function' &&
		type.properties.some(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable && p.typeOptions?.password,
		),
);

/** What the vendor saw on one API request. */
interface Received {
	authorization?: string;
	apiKey?: string;
	bearer?: string;
}

interface Scenario {
	/** Status of every API reply after the first; the first is 200 when `refreshAfterFirst`. */
	status: number;
	/** The strings the vendor puts in its reply. */
	echo: (received: Received) => Array<string | undefined>;
	/** The vendor stops accepting the first token after one reply, so n8n logs in again. */
	refreshAfterFirst?: boolean;
}

/** Any path ending in "token" is a login (OAuth token endpoints, Automate's /apitoken). */
const LOGIN_PATH = /token$/i;

class EchoVendor {
	url = '';

	private server?: Server;

	private scenario: Scenario = { status: 200, echo: () => [] };

	private valid?: string;

	private apiCalls = 0;

	private tokenCount = 0;

	/** Every token handed out and every string echoed, for the assertions. */
	readonly issued: string[] = [];

	readonly echoed: string[] = [];

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			let raw = '';
			req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
			req.on('end', () => this.handle(req, res));
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()));
	}

	reset(scenario: Scenario): void {
		this.scenario = scenario;
		this.valid = undefined;
		this.apiCalls = 0;
		this.issued.length = 0;
		this.echoed.length = 0;
	}

	private handle(req: IncomingMessage, res: ServerResponse): void {
		const path = new URL(req.url ?? '/', this.url).pathname;
		if (req.method === 'POST' && LOGIN_PATH.test(path)) return this.login(res);
		// Autotask's zone lookup (no login): the zone is this vendor.
		if (req.method === 'GET' && /\/zoneInformation$/i.test(path))
			return this.reply(res, 200, { url: `${this.url}/ATServicesRest/`, webUrl: `${this.url}/` });
		const authorization = req.headers.authorization;
		const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
		if (bearer !== undefined && bearer !== this.valid) {
			return this.reply(res, 401, { message: 'The access token expired' });
		}
		this.apiCalls += 1;
		// A key sent in its own header: x-api-key, or Autotask's Secret.
		const apiKey = req.headers['x-api-key'] ?? req.headers.secret;
		const strings = this.scenario
			.echo({ authorization, apiKey: typeof apiKey === 'string' ? apiKey : undefined, bearer })
			.filter((value): value is string => typeof value === 'string' && value.length > 0);
		this.echoed.push(...strings);
		const first = this.apiCalls === 1 && this.scenario.refreshAfterFirst === true;
		if (first) this.valid = undefined;
		const status = first ? 200 : this.scenario.status;
		if (status < 400) {
			return this.reply(res, status, {
				id: this.apiCalls,
				note: `Vendor note: ${strings.join(' | ')}`,
				echo: strings,
			});
		}
		this.reply(res, status, {
			message: `Rejected request signed with ${strings.join(' and ')}`,
			errors: strings.map((value) => ({ field: 'auth', message: `bad value ${value}` })),
			request: { authorization, echo: strings },
		});
	}

	/** One token per login, with characters that change when URL-encoded. */
	private login(res: ServerResponse): void {
		this.tokenCount += 1;
		const token = `tok+${this.tokenCount}/Zx9-${'k'.repeat(12)}==`;
		this.valid = token;
		this.issued.push(token);
		const expires = new Date(Date.now() + 3600 * 1000).toISOString();
		this.reply(res, 200, {
			access_token: token,
			token_type: 'Bearer',
			expires_in: 3600,
			AccessToken: token,
			ExpirationDate: expires,
		});
	}

	private reply(res: ServerResponse, status: number, body: unknown): void {
		res.writeHead(status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(body));
	}
}

/**
 * The credential filled in so that every URL points at the vendor: options offering "custom"
 * take it, URL and host fields get the vendor's address, password fields get a secret with
 * characters that change when URL-encoded, hidden fields (the token) stay empty.
 */
function filledCredential(type: ICredentialType, url: string) {
	const data: ICredentialDataDecryptedObject = {};
	for (const property of type.properties) {
		const { name } = property;
		if (property.type === 'hidden') data[name] = property.default as string | number;
		else if (property.typeOptions?.password) data[name] = `S3cr/${type.name}+${name}=9f&8e7d`;
		else if (property.type === 'options') {
			const values = (property.options ?? []).map((option) => (option as { value: unknown }).value);
			data[name] = (values.includes('custom') ? 'custom' : property.default) as string;
		} else if (property.type === 'string')
			data[name] = /url|host/i.test(name) ? url : `value-of-${name}`;
		else if (property.default !== undefined) data[name] = property.default as string;
	}
	const secrets = secretsOf(data);
	return { data, secrets };
}

const base64 = (value: string) => Buffer.from(value, 'utf8').toString('base64');

/** Basic tokens built from the credential: the one it sent, and `user:secret` for its fields. */
function basicTokens(
	data: ICredentialDataDecryptedObject,
	secrets: string[],
	received: Received,
): string[] {
	const sent = /^Basic (.+)$/.exec(received.authorization ?? '')?.[1];
	const users = [
		'api-user',
		...Object.values(data).filter(
			(value): value is string => typeof value === 'string' && value.startsWith('value-of-'),
		),
	];
	return [
		...(sent ? [sent] : []),
		...secrets.flatMap((secret) => users.map((user) => base64(`${user}:${secret}`))),
	];
}

type Form = (data: ICredentialDataDecryptedObject, secrets: string[]) => Scenario['echo'];

const FORMS: Record<string, Form> = {
	'raw secret': (_data, secrets) => () => secrets,
	'authentication header as sent': () => (r) => [r.authorization, r.apiKey],
	'Basic token without prefix': (data, secrets) => (r) => basicTokens(data, secrets, r),
	'Basic token with prefix': (data, secrets) => (r) =>
		basicTokens(data, secrets, r).map((token) => `Basic ${token}`),
	'URL-encoded': (data, secrets) => (r) =>
		[
			...secrets,
			r.bearer,
			r.authorization,
			...basicTokens(data, secrets, r).map((token) => `Basic ${token}`),
		]
			.filter((value): value is string => typeof value === 'string')
			.map(encodeURIComponent),
	base64: (_data, secrets) => (r) =>
		[...secrets, r.bearer]
			.filter((value): value is string => typeof value === 'string')
			.map(base64),
};

const TOKEN_FORMS: Record<string, { form: Form; refreshAfterFirst: boolean }> = {
	'token fetched during the execution': {
		form: () => (r) => [r.bearer, `Bearer ${r.bearer}`],
		refreshAfterFirst: false,
	},
	'token refreshed after a 401 mid-execution': {
		form: () => (r) => [r.bearer, `Bearer ${r.bearer}`],
		refreshAfterFirst: true,
	},
};

const STATUSES = [200, 400, 500];

const vendor = new EchoVendor();
let consoleLines: string[] = [];

beforeAll(async () => {
	await vendor.start();
});

afterAll(async () => {
	await vendor.stop();
});

beforeEach(() => {
	consoleLines = [];
	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			consoleLines.push(
				args
					.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg, errorFields)))
					.join(' '),
			);
		});
	}
});

afterEach(() => {
	jest.restoreAllMocks();
});

/** JSON.stringify replacer that also shows an error's non-enumerable fields. */
function errorFields(_key: string, value: unknown): unknown {
	if (!(value instanceof Error)) return value;
	const own = Object.fromEntries(
		Object.getOwnPropertyNames(value).map((name) => [
			name,
			(value as unknown as Record<string, unknown>)[name],
		]),
	);
	return { ...own, name: value.name, message: value.message, stack: value.stack };
}

/** Everything n8n could show or store of a thrown error: fields, stack, cause chain, toJSON. */
function errorText(error: unknown): string {
	if (!error) return '';
	const parts: string[] = [JSON.stringify(error, errorFields)];
	const json = (error as { toJSON?: () => unknown }).toJSON?.();
	if (json) parts.push(JSON.stringify(json));
	// What n8n writes into the run data for a failed node.
	parts.push(
		JSON.stringify(
			{ ...(error as object), message: (error as Error).message, stack: (error as Error).stack },
			errorFields,
		),
	);
	let cause = (error as { cause?: unknown }).cause;
	for (let depth = 0; cause && depth < 5; depth++) {
		parts.push(JSON.stringify(cause, errorFields));
		cause = (cause as { cause?: unknown }).cause;
	}
	return parts.join('\n');
}

interface RunResult {
	output?: unknown;
	error?: unknown;
	requested: number;
}

/** One node execution: a fresh credential (no token yet), items sent one after another. */
async function run(
	type: ICredentialType,
	itemCount: number,
	continueOnFail: boolean,
): Promise<RunResult> {
	const { data } = filledCredential(type, vendor.url);
	const { ctx, requests } = fakeExecuteContext({
		parameters: {},
		items: Array.from({ length: itemCount }, (_, i) => ({ i })),
		credentials: { [type.name]: data },
		credentialTypes: [type],
		continueOnFail,
	});
	const profile: VendorProfile = {
		vendor: 'EchoVendor',
		credentialType: type.name,
		baseUrl: () => `${vendor.url}/api`,
	};
	const transport = new Transport(ctx, profile, { maxAttempts: 1, pacer: null });
	try {
		const output = await runPerItem(
			ctx,
			{ concurrency: 1 },
			async (i) =>
				await transport.request<IDataObject>({
					method: 'GET',
					path: `things/${i}`,
					operation: 'get thing',
				}),
		);
		return { output, requested: requests.length };
	} catch (error) {
		return { error, requested: requests.length };
	}
}

/** Runs the scenario with and without Continue On Fail and checks every surface. */
async function expectNothingLeaks(
	type: ICredentialType,
	scenario: Scenario,
	itemCount: number,
): Promise<void> {
	const visible: string[] = [];
	const forbidden = new Set<string>();
	for (const continueOnFail of [false, true]) {
		vendor.reset(scenario);
		const result = await run(type, itemCount, continueOnFail);
		vendor.echoed.forEach((value) => forbidden.add(value));
		vendor.issued.forEach((value) => forbidden.add(value));
		filledCredential(type, vendor.url).secrets.forEach((value) => forbidden.add(value));

		expect(vendor.echoed.length).toBeGreaterThan(0);
		if (scenario.status >= 400 && !continueOnFail) {
			expect(result.error).toBeDefined();
			expect((result.error as { httpCode?: string }).httpCode).toBe(String(scenario.status));
		} else {
			expect(result.error).toBeUndefined();
			expect(result.output).toHaveLength(itemCount);
		}
		const text = `${JSON.stringify(result.output ?? null)}\n${errorText(result.error)}`;
		// The echo arrived and was replaced, not dropped along the way.
		expect(text).toContain('[redacted]');
		visible.push(text);
	}
	if (scenario.refreshAfterFirst) expect(vendor.issued).toHaveLength(2);
	visible.push(...consoleLines);
	const all = visible.join('\n');
	for (const value of forbidden) {
		if (all.includes(value))
			throw new Error(
				`"${value}" is visible:\n${all.slice(Math.max(0, all.indexOf(value) - 300), all.indexOf(value) + 300)}`,
			);
	}
}

describe('redaction follows the secrets of every credential type', () => {
	it('covers every registered credential, six of them logging in first', () => {
		expect(types.map((type) => type.name).sort()).toEqual(REGISTERED_CREDENTIAL_NAMES);
		expect(withLogin.map((type) => type.name).sort()).toEqual(
			[
				'mspConnectWiseAutomateApi',
				'mspCrowdStrikeApi',
				'mspDattoRmmApi',
				'mspHaloPsaApi',
				'mspMicrosoftDefenderApi',
				'mspNinjaOneApi',
			].sort(),
		);
	});

	describe.each(types.map((type) => [type.name, type] as const))('%s', (_name, type) => {
		const cases = Object.entries(FORMS).flatMap(([form, build]) =>
			STATUSES.map((status) => [form, status, build] as const),
		);
		it.each(cases)('%s echoed in a %i body', async (_form, status, build) => {
			const { data, secrets } = filledCredential(type, vendor.url);
			await expectNothingLeaks(type, { status, echo: build(data, secrets) }, 1);
		});
	});

	describe.each(withLogin.map((type) => [type.name, type] as const))('%s', (_name, type) => {
		const cases = Object.entries(TOKEN_FORMS).flatMap(([form, spec]) =>
			STATUSES.map((status) => [form, status, spec] as const),
		);
		it.each(cases)('%s echoed in a %i body', async (_form, status, spec) => {
			const { data, secrets } = filledCredential(type, vendor.url);
			const scenario: Scenario = {
				status,
				echo: spec.form(data, secrets),
				refreshAfterFirst: spec.refreshAfterFirst,
			};
			await expectNothingLeaks(type, scenario, spec.refreshAfterFirst ? 2 : 1);
		});
	});
});
