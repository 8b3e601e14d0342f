/**
 * The environment for a program a test starts (Chromium, redis-server) without faketime's preload:
 * CI runs the unit tier a second time under `faketime`, whose library stalls such programs. They
 * keep the real clock; the test's own process keeps the moved one.
 */
export function withoutFakeTime(env: NodeJS.ProcessEnv): Record<string, string> {
	const kept = Object.entries(env).filter(
		([key, value]) => value !== undefined && key !== 'LD_PRELOAD' && !key.startsWith('FAKETIME'),
	);
	return Object.fromEntries(kept) as Record<string, string>;
}
