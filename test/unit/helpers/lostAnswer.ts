import axios, { type InternalAxiosRequestConfig } from 'axios';

import { startSandbox, type RequestLogEntry, type Sandbox } from '../../../sandbox';

/**
 * Read-back tests: a write whose answer is lost. The sandbox's own faults strike one chosen write (a
 * 5xx, a reset, a timeout or a body cut short, before or after the vendor acted) and every other
 * request is answered, so the test sees what the provider does about that one request.
 */

/** What a test says about its write: the vendor whose faults are switched on, and which request is the write. */
export interface LostAnswerOptions {
	seed: number;
	/** The sandbox vendor id (`sentinelone`, `connectwise-automate`...). */
	vendor: string | (() => string);
	/** Whether an outgoing request is the write under test (read at request time, so it may follow the test's state). */
	isWrite: (config: InternalAxiosRequestConfig) => boolean;
}

/**
 * A sandbox for one describe block whose next write, once `arm()` is called, meets a fault: faults go
 * on for that vendor as the write leaves and off again as soon as its outcome is known, so its
 * read-back and any resend are answered.
 */
export function lostAnswerSandbox({ seed, vendor, isWrite }: LostAnswerOptions) {
	let sandbox: Sandbox;
	const interceptors: { request?: number; response?: number } = {};
	let armed = false;
	const vendorId = () => (typeof vendor === 'function' ? vendor() : vendor);

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, seed });
		interceptors.request = axios.interceptors.request.use((config) => {
			if (armed && isWrite(config)) {
				armed = false;
				sandbox.setFaults({
					profile: 'chaos',
					rate: 1,
					vendors: [vendorId()],
					timeoutMs: 30,
					slowMs: 10,
					throttleWindowScale: 1e-6,
				});
			}
			return config;
		});
		const off = () => sandbox.setFaults({ profile: 'none' });
		interceptors.response = axios.interceptors.response.use(
			(response) => {
				if (isWrite(response.config)) off();
				return response;
			},
			(error: { config?: InternalAxiosRequestConfig }) => {
				if (error.config && isWrite(error.config)) off();
				throw error;
			},
		);
	});
	afterAll(async () => {
		axios.interceptors.request.eject(interceptors.request!);
		axios.interceptors.response.eject(interceptors.response!);
		await sandbox.stop();
	});

	return {
		sandbox: () => sandbox,
		/** The next write is hit by a fault, the ones after it are not. */
		arm: () => {
			armed = true;
		},
	};
}

/** The kinds of lost answers seen so far (`serverError:after`, `reset:before`...), over a test's attempts. */
export class LostAnswersSeen {
	private readonly seen = new Set<string>();

	/** `resetOrTimeout`: which reset or timeout must have been seen for the set to be complete. */
	constructor(private readonly resetOrTimeout: RegExp = /^(reset|timeout):after/) {}

	/**
	 * The log entries of one attempt's write, in order: a request that never reached the vendor is
	 * sent again once, one that did is not. The first one's fault is remembered.
	 */
	record(sent: RequestLogEntry[]): RequestLogEntry {
		const first = sent[0];
		expect(sent).toHaveLength(first.applied ? 1 : 2);
		if (first.fault && first.fault !== 'slow')
			this.seen.add(`${first.fault}:${first.applied ? 'after' : 'before'}`);
		return first;
	}

	/** Every kind worth seeing was seen: a 5xx before and after the vendor acted, a cut-short body, a reset or timeout. */
	get complete(): boolean {
		return (
			['serverError:before', 'serverError:after', 'malformed:after'].every((w) =>
				this.seen.has(w),
			) && [...this.seen].some((s) => this.resetOrTimeout.test(s))
		);
	}

	has(kind: string): boolean {
		return this.seen.has(kind);
	}

	/** Both sides of a lost answer were exercised: the request never arrived, and it arrived but its answer did not. */
	expectBothSides(): void {
		expect([...this.seen].some((s) => s.endsWith(':before'))).toBe(true);
		expect([...this.seen].some((s) => s.endsWith(':after'))).toBe(true);
	}
}
