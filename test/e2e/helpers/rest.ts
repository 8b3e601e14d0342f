import { randomUUID } from 'crypto';
import { parse } from 'flatted';

/**
 * The n8n editor's REST API (`/rest/...`) as the editor calls it: the owner set up on a fresh instance, then a
 * session cookie bound to a browser id. Used to publish and unpublish a workflow while n8n runs (the CLI's
 * `publish:workflow` only takes effect at the next start) and to read executions back.
 */

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	startedAt: string | null;
	stoppedAt: string | null;
}

export const OWNER = {
	email: 'owner@msp.example',
	firstName: 'Olive',
	lastName: 'Owner',
	password: 'Queue-Mode-Owner-1',
};

export class N8nRest {
	private cookie = '';

	private readonly browserId = randomUUID();

	constructor(private readonly baseUrl: () => string) {}

	/** Sets up the owner (the user every CLI-imported workflow belongs to) and keeps its session. */
	async setupOwner(): Promise<void> {
		await this.call('POST', '/rest/owner/setup', OWNER);
	}

	/** Signs in again, e.g. after a restart if the session was lost. */
	async login(): Promise<void> {
		await this.call('POST', '/rest/login', {
			emailOrLdapLoginId: OWNER.email,
			password: OWNER.password,
		});
	}

	/**
	 * Creates a credential the way the editor's credential form saves a new one: name, type and the
	 * data the user filled in (the form leaves out every field still at its default).
	 */
	async createCredential(credential: {
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<{ id: string; name: string; type: string }> {
		const saved = (await this.call('POST', '/rest/credentials', credential)) as {
			id: string;
			name: string;
			type: string;
		};
		return { id: String(saved.id), name: saved.name, type: saved.type };
	}

	/** The credential's stored data as the editor reads it back (secrets come back blanked). */
	async credentialData(id: string): Promise<Record<string, unknown>> {
		const credential = (await this.call('GET', `/rest/credentials/${id}?includeData=true`)) as {
			data?: Record<string, unknown>;
		};
		return credential.data ?? {};
	}

	/** Saves a new workflow as the editor does (unpublished); returns its id. */
	async createWorkflow(workflow: Record<string, unknown>): Promise<string> {
		const saved = (await this.call('POST', '/rest/workflows', workflow)) as { id: string };
		return String(saved.id);
	}

	/** Publishes the workflow's current version: n8n registers its triggers at once. */
	async publish(workflowId: string): Promise<void> {
		const workflow = (await this.call('GET', `/rest/workflows/${workflowId}`)) as {
			versionId: string;
		};
		await this.call('POST', `/rest/workflows/${workflowId}/activate`, {
			versionId: workflow.versionId,
		});
	}

	async unpublish(workflowId: string): Promise<void> {
		await this.call('POST', `/rest/workflows/${workflowId}/deactivate`, {});
	}

	/** Executions of one workflow, newest first (up to 100). */
	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const query = new URLSearchParams({ filter: JSON.stringify({ workflowId }), limit: '100' });
		const page = (await this.call('GET', `/rest/executions?${query.toString()}`)) as {
			results: ExecutionSummary[];
		};
		return page.results.map((e) => ({ ...e, id: String(e.id) }));
	}

	/** What one node output in an execution (first run, first output), item by item. */
	async nodeOutput(executionId: string, nodeName: string): Promise<Array<Record<string, unknown>>> {
		const execution = (await this.call('GET', `/rest/executions/${executionId}`)) as {
			data: string;
		};
		const data = parse(execution.data) as {
			resultData: {
				runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: any }>> } }>>;
			};
		};
		const items = data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? [];
		return items.map((i) => i.json as Record<string, unknown>);
	}

	private async call(method: string, path: string, body?: unknown): Promise<unknown> {
		const response = await fetch(`${this.baseUrl()}${path}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const set = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (set) this.cookie = set.split(';')[0];
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
		return (JSON.parse(text) as { data: unknown }).data;
	}
}
