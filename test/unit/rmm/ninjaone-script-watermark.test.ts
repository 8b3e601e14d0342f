import type { FakeRequest } from './helpers/fakeRmm';
import { fakeRmm } from './helpers/fakeRmm';

/**
 * NinjaOne's script run answers 204 without an id, so the node tells this run's result from an
 * earlier one by the activity id it read before the run (the watermark). The official spec words the
 * activity filters the reverse of their names:
 *   olderThan: "Return activities recorded that are newer than specified activity ID"
 *   newerThan: "Return activities recorded that are older than specified activity ID"
 * The fake below answers exactly that (or, with `literal`, the names' reading), and the node must
 * never report an earlier run's result as this run's.
 */
type Activity = {
	id: number;
	seriesUid: string;
	statusCode: 'STARTED' | 'COMPLETED';
	activityResult?: string;
	message: string;
	data?: Record<string, unknown>;
};
type Job = { uid: string };

const SCRIPT = {
	type: 'SCRIPT',
	id: 42,
	uid: 'c0f1a000-0000-4000-8000-000000000042',
	name: 'Clear Temp',
};
const OLD = '01d00000-0000-4000-8000-000000000001';
const NEW = '9e300000-0000-4000-8000-000000000002';

function ninja(opts: { literal?: boolean; roles?: string[] } = {}) {
	const state = {
		activities: [] as Activity[],
		jobs: [] as Job[],
		hideJobs: false,
		onRun: (_body: unknown) => undefined as void,
	};
	const { rmm, requests } = fakeRmm('ninjaOne', (req: FakeRequest) => {
		if (req.path === '/v2/device/1001/scripting/options')
			return {
				body: {
					scripts: [SCRIPT],
					credentials: {
						roles: opts.roles ?? ['system', 'loggedonuser'],
						credentials: [{ id: 26, name: 'Admin', type: 'BASIC' }],
					},
				},
			};
		if (req.path === '/v2/device/1001/jobs')
			return {
				body: state.hideJobs
					? []
					: state.jobs.map((j) => ({
							uid: j.uid,
							jobType: 'SCRIPTING',
							jobStatus: 'IN_PROCESS',
							sourceConfigUid: SCRIPT.uid,
							sourceName: SCRIPT.name,
						})),
			};
		if (req.path === '/v2/device/1001/script/run' && req.method === 'POST') {
			state.onRun(req.body);
			return { status: 204 };
		}
		if (req.path === '/v2/device/1001/activities') return { body: activities(req) };
		return undefined;
	});

	function activities(req: FakeRequest) {
		const q = req.qs;
		let rows = [...state.activities];
		const newer = opts.literal ? q.newerThan : q.olderThan;
		const older = opts.literal ? q.olderThan : q.newerThan;
		if (newer !== undefined) rows = rows.filter((a) => a.id > Number(newer));
		if (older !== undefined) rows = rows.filter((a) => a.id < Number(older));
		if (q.seriesUid) rows = rows.filter((a) => a.seriesUid === q.seriesUid);
		const last = Math.max(0, ...state.activities.map((a) => a.id));
		return {
			lastActivityId: last,
			activities: rows
				.sort((a, b) => b.id - a.id)
				.slice(0, Number(q.pageSize ?? 200))
				.map((a) => ({
					...a,
					deviceId: 1001,
					activityType: 'SCRIPTING',
					sourceConfigUid: SCRIPT.uid,
					sourceName: SCRIPT.name,
				})),
		};
	}
	const add = (seriesUid: string, id: number, statusCode: Activity['statusCode'], output = '') =>
		state.activities.push({
			id,
			seriesUid,
			statusCode,
			...(statusCode === 'COMPLETED'
				? {
						activityResult: 'SUCCESS',
						data: { message: { code: 'SCRIPT_RESULT', params: { exitCode: 0, output } } },
					}
				: {}),
			message: `${SCRIPT.name} ${statusCode.toLowerCase()}`,
		});
	return { rmm, requests, state, add };
}

const activityReads = (requests: FakeRequest[]) =>
	requests.filter((r) => r.path.endsWith('/activities') && r.qs.activityType && !r.qs.seriesUid);

describe('NinjaOne script results: activity ids against the watermark, as the spec words the filters', () => {
	it('asks for activities newer than the watermark with olderThan, and reports no earlier result as this run', async () => {
		const { rmm, requests, add } = ninja();
		// An earlier run of the same script, finished before this one: ids 100 and 101.
		add(OLD, 100, 'STARTED');
		add(OLD, 101, 'COMPLETED', 'old output');

		const job = await rmm.runScript({ deviceId: '1001', scriptId: '42' });

		expect(job).toMatchObject({ status: 'queued', id: 'after-101-script-42' });
		const reads = activityReads(requests);
		expect(reads.length).toBeGreaterThan(0);
		for (const read of reads) {
			expect(read.qs.olderThan).toBe(101);
			expect(read.qs.newerThan).toBeUndefined();
		}
		// This run shows up later: its result, not the earlier one's, is reported.
		add(NEW, 102, 'STARTED');
		add(NEW, 103, 'COMPLETED', 'new output');
		expect(await rmm.getScriptRun('1001', job.id)).toMatchObject({
			id: NEW,
			status: 'succeeded',
			exitCode: 0,
			output: 'new output',
		});
	});

	it('a server that reads the filters by their names instead still cannot make an earlier result this run’s', async () => {
		const { rmm, add } = ninja({ literal: true });
		add(OLD, 100, 'STARTED');
		add(OLD, 101, 'COMPLETED', 'old output');
		const job = await rmm.runScript({ deviceId: '1001', scriptId: '42' });
		expect(job.status).toBe('queued');
		expect(await rmm.getScriptRun('1001', job.id)).toMatchObject({ status: 'queued' });
	});

	it('a run that began before the watermark and completes after it is not this run', async () => {
		const { rmm, state, add } = ninja();
		// The earlier run started (id 100) and its job is not listed (NinjaOne lists it late, or never).
		state.hideJobs = true;
		add(OLD, 100, 'STARTED');
		state.onRun = () => add(OLD, 101, 'COMPLETED', 'old output');

		const job = await rmm.runScript({ deviceId: '1001', scriptId: '42' });
		expect(job).toMatchObject({ status: 'queued', id: 'after-100-script-42' });
		expect(await rmm.getScriptRun('1001', job.id)).toMatchObject({ status: 'queued' });

		add(NEW, 102, 'STARTED');
		add(NEW, 103, 'COMPLETED', 'new output');
		expect(await rmm.getScriptRun('1001', job.id)).toMatchObject({
			id: NEW,
			output: 'new output',
		});
	});

	it('a job of the script already running before the run is never taken for it, in this execution or a later one', async () => {
		const { rmm, state, add } = ninja();
		state.jobs.push({ uid: OLD });
		// This run's job is not listed yet when the node looks.
		const job = await rmm.runScript({ deviceId: '1001', scriptId: '42' });
		expect(job).toMatchObject({ status: 'queued', id: `after-0-script-42-not-${OLD}` });
		// The earlier run completes (no STARTED activity was recorded for it): still not this run.
		state.jobs = [];
		add(OLD, 1, 'COMPLETED', 'old output');
		expect(await rmm.getScriptRun('1001', job.id)).toMatchObject({ status: 'queued' });
		// This run's job appears: it is the run.
		state.jobs.push({ uid: NEW });
		expect(await rmm.getScriptRun('1001', job.id)).toMatchObject({ id: NEW, status: 'running' });
	});

	it('takes a new job at once when the device lists it', async () => {
		const { rmm, state } = ninja();
		state.jobs.push({ uid: OLD });
		state.onRun = () => state.jobs.push({ uid: NEW });
		expect(await rmm.runScript({ deviceId: '1001', scriptId: '42' })).toMatchObject({
			id: NEW,
			status: 'running',
		});
	});

	it('accepts run ids of the shapes Run Script returns, old ones included, and refuses others', () => {
		const { rmm } = ninja();
		expect(rmm.idProblem('run', NEW)).toBeUndefined();
		expect(rmm.idProblem('run', 'after-88812-script-42')).toBeUndefined();
		expect(rmm.idProblem('run', `after-88812-script-42-not-${OLD}.${NEW}`)).toBeUndefined();
		expect(rmm.idProblem('run', '88812')).toMatch(/job uid/);
		expect(rmm.idProblem('run', 'after-1-script-x')).toMatch(/job uid/);
	});
});

describe('NinjaOne Run As: the device’s own spelling of the role [unverified: not in the spec]', () => {
	const sent = async (requested: string | undefined, roles: string[]) => {
		const { rmm, state } = ninja({ roles });
		let body: Record<string, unknown> = {};
		state.onRun = (b) => {
			body = b as Record<string, unknown>;
		};
		await rmm.runScript({ deviceId: '1001', scriptId: '42', runAs: requested });
		return body.runAs;
	};

	it('sends the role as the device lists it: homotechsual’s spelling or the spec enum’s', async () => {
		expect(await sent('system', ['system', 'loggedonuser'])).toBe('system');
		expect(await sent(undefined, ['system'])).toBe('system');
		expect(await sent('system', ['SYSTEM', 'LOGGED_ON_USER', 'LOCAL_ADMIN'])).toBe('SYSTEM');
		expect(await sent('SR_LOCAL_ADMINISTRATOR', ['SYSTEM', 'LOCAL_ADMIN'])).toBe('LOCAL_ADMIN');
		// A value saved in the spec's spelling, on a device that lists homotechsual's.
		expect(await sent('LOGGED_ON_USER', ['system', 'loggedonuser'])).toBe('loggedonuser');
		// A saved credential, by id.
		expect(await sent('26', ['system'])).toBe('26');
	});

	it('refuses a role or credential the device does not offer, naming what it allows', async () => {
		await expect(sent('SR_DOMAIN_ADMINISTRATOR', ['system', 'loggedonuser'])).rejects.toThrow(
			/Run As "SR_DOMAIN_ADMINISTRATOR" is not allowed for this device.*system, loggedonuser, credential 26/,
		);
		await expect(sent('27', ['system'])).rejects.toThrow(/credential 27 is not offered/);
	});
});
