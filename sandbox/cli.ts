import { startSandbox } from './server';
import type { FaultProfile } from './faults';

const USAGE = `Usage: npm run sandbox -- [options]
  --port N                 port to listen on (default 8787; 0 picks a free one)
  --host H                 address to bind (default 127.0.0.1)
  --seed N                 world seed (default 1)
  --now ISO                generate the estate for this instant (default: now); it then ages in real time
  --clients N              client companies (default 3)
  --devices-per-client N   devices per client (default 10)
  --threats N              extra generated threats beyond the four scenario threats (default 0)
  --latency-ms N           delay added to every vendor request (default 0)
  --faults P               none | flaky | throttled | chaos (default none)
  --fault-rate R           share of requests hit under flaky/chaos (default 0.1)
  --throttle-window-scale S  multiply vendor rate-limit windows (default 1)
  --quiet                  print only the base URL`;

function parseArgs(argv: string[]): Record<string, string> {
	const args: Record<string, string> = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) throw new Error(`Unexpected argument ${arg}\n${USAGE}`);
		const [name, inline] = arg.slice(2).split('=', 2);
		if (name === 'help' || name === 'quiet') {
			args[name] = 'true';
			continue;
		}
		const value = inline ?? argv[++i];
		if (value === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
		args[name] = value;
	}
	return args;
}

function numberArg(args: Record<string, string>, name: string, fallback: number): number {
	if (args[name] === undefined) return fallback;
	const value = Number(args[name]);
	if (!Number.isFinite(value) || value < 0)
		throw new Error(`--${name} must be a non-negative number, got ${args[name]}`);
	return value;
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		console.log(USAGE);
		return;
	}
	const profile = (args.faults ?? 'none') as FaultProfile;
	if (!['none', 'flaky', 'throttled', 'chaos'].includes(profile))
		throw new Error(`--faults must be none, flaky, throttled or chaos, got ${profile}`);
	const sandbox = await startSandbox({
		port: numberArg(args, 'port', 8787),
		host: args.host ?? '127.0.0.1',
		seed: numberArg(args, 'seed', 1),
		now: args.now,
		scale: {
			clients: numberArg(args, 'clients', 3),
			devicesPerClient: numberArg(args, 'devices-per-client', 10),
			threats: numberArg(args, 'threats', 0),
		},
		latencyMs: numberArg(args, 'latency-ms', 0),
		faults: {
			profile,
			rate: numberArg(args, 'fault-rate', 0.1),
			throttleWindowScale: numberArg(args, 'throttle-window-scale', 1),
		},
	});
	if (args.quiet) {
		console.log(sandbox.baseUrl);
	} else {
		const world = sandbox.world();
		console.log(`MSP sandbox listening on ${sandbox.baseUrl}`);
		console.log(`Clock: the estate was generated for ${world.createdAt}`);
		console.log(
			`Estate: ${world.clients.length} clients, ${world.devices.length} devices, ${world.patches.length} patch rows, ${world.threats.length} threats (seed ${world.seed}); faults: ${profile}\n`,
		);
		for (const vendor of sandbox.vendorCredentials()) {
			console.log(`${vendor.title}\n  base URL: ${vendor.baseUrl}`);
			for (const [key, value] of Object.entries(vendor.credentials))
				console.log(`  ${key}: ${value}`);
			console.log('');
		}
		console.log(
			`Control: ${sandbox.baseUrl}/_sandbox/health | /_sandbox/state | /_sandbox/requests | POST /_sandbox/reset | PUT /_sandbox/faults`,
		);
		console.log(
			`n8n credentials (for n8n import:credentials): ${sandbox.baseUrl}/_sandbox/n8n-credentials`,
		);
	}
	const shutdown = () => void sandbox.stop().then(() => process.exit(0));
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exit(1);
});
