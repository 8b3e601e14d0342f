import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type {
	RawResponse,
	RequestContext,
	RequestSpec,
	TransportOptions,
	VendorProfile,
} from '../../../shared';
import { Transport } from '../../../shared';

/**
 * Autotask's thread limit: at most 3 requests of one integration code in flight at once (per
 * endpoint, for integrations created after 2023.1); a fourth is refused. Every Autotask request of
 * this n8n process on the credential takes one of these slots, whatever the endpoint, so the limit
 * holds however many items, executions and pages run together. Workers in queue mode each keep
 * their own 3; the refusal is then retried like a 429 (see the profile's isRateLimited).
 */
export const AUTOTASK_THREADS = 3;

class Gate {
	private active = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(private readonly size: number) {}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
		else this.active++;
		try {
			return await task();
		} finally {
			const next = this.waiting.shift();
			if (next) next();
			else this.active--;
		}
	}
}

/** One gate per API user and zone setting in this process. */
const gates = new Map<string, Gate>();

function gateKey(credentials: ICredentialDataDecryptedObject): string {
	return [
		String(credentials.userName ?? '').toLowerCase(),
		credentials.zone,
		credentials.zoneUrl,
		credentials.zoneLookupUrl,
	].join('\n');
}

/** The shared transport with Autotask's cap on requests in flight. */
export class AutotaskTransport extends Transport {
	private gate?: Promise<Gate>;

	constructor(
		private readonly context: RequestContext,
		profile: VendorProfile,
		options: TransportOptions = {},
	) {
		super(context, profile, options);
	}

	/** The credential as n8n holds it now: after the first request it carries the zone found. */
	async credentials(): Promise<ICredentialDataDecryptedObject> {
		return await this.context.getCredentials(this.profile.credentialType);
	}

	override async requestRaw<T = unknown>(spec: RequestSpec): Promise<RawResponse<T>> {
		this.gate ??= this.credentials().then((credentials) => {
			const key = gateKey(credentials);
			let gate = gates.get(key);
			if (!gate) gates.set(key, (gate = new Gate(AUTOTASK_THREADS)));
			return gate;
		});
		const gate = await this.gate;
		return await gate.run(async () => await super.requestRaw<T>(spec));
	}
}
