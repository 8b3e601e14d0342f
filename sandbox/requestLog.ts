import type { NextFunction, Request, Response } from 'express';

export interface RequestLogEntry {
	seq: number;
	at: string;
	vendor: string;
	method: string;
	path: string;
	query: Record<string, unknown>;
	status: number;
	durationMs: number;
	/** The injected fault, if any: `throttled`, `threadLimit` (over a cap on requests in flight), `serverError`, `reset`, `timeout`, `malformed`, `slow`. */
	fault?: string;
	/**
	 * Whether the vendor logic ran: false for faults before it (the request did not happen),
	 * true for faults after it (it happened once, the client just did not get a clean answer).
	 */
	applied: boolean;
	/** The socket was dropped without a response. */
	aborted: boolean;
	/**
	 * For a vendor that caps requests in flight (Autotask's threads): the bucket this request counted
	 * against and how many of its requests were in flight when it arrived, itself included.
	 */
	concurrency?: { key: string; inFlight: number };
}

const MAX_ENTRIES = 200_000;

/** Every vendor request with its outcome, for tests, benchmarks and humans debugging a workflow. */
export class RequestLog {
	private entries: RequestLogEntry[] = [];
	private seq = 0;

	middleware() {
		return (req: Request, res: Response, next: NextFunction) => {
			if (req.path.startsWith('/_sandbox')) return next();
			const started = process.hrtime.bigint();
			let recorded = false;
			const record = (aborted: boolean) => {
				if (recorded) return;
				recorded = true;
				const fault = res.locals.fault as { kind: string; phase: string } | undefined;
				this.push({
					seq: ++this.seq,
					at: new Date().toISOString(),
					vendor: (res.locals.vendor as string | undefined) ?? req.path.split('/')[1] ?? '',
					method: req.method,
					path: req.originalUrl.split('?')[0],
					query: { ...req.query },
					status: aborted ? 0 : res.statusCode,
					durationMs: Number(process.hrtime.bigint() - started) / 1e6,
					fault: fault?.kind,
					applied: !fault || fault.phase === 'after',
					aborted,
					...(res.locals.concurrency
						? { concurrency: res.locals.concurrency as { key: string; inFlight: number } }
						: {}),
				});
			};
			res.on('finish', () => record(false));
			res.on('close', () => record(!res.writableFinished));
			next();
		};
	}

	query(filter: { vendor?: string; since?: number } = {}): RequestLogEntry[] {
		return this.entries.filter(
			(e) =>
				(!filter.vendor || e.vendor === filter.vendor) &&
				(filter.since === undefined || e.seq > filter.since),
		);
	}

	all(): RequestLogEntry[] {
		return this.entries;
	}

	clear(): void {
		this.entries = [];
	}

	private push(entry: RequestLogEntry): void {
		this.entries.push(entry);
		if (this.entries.length > MAX_ENTRIES)
			this.entries.splice(0, this.entries.length - MAX_ENTRIES);
	}
}
