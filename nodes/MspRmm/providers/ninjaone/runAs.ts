/**
 * Who a NinjaOne script runs as (`RunScriptRequest.runAs`, "Credential role/identifier").
 *
 * The spec names the six roles once, in the `runAs` enum of a policy condition's scripts (SYSTEM,
 * LOGGED_ON_USER, LOCAL_ADMIN, DOMAIN_ADMIN, PREFERRED_CREDENTIAL_MAC, PREFERRED_CREDENTIAL_LINUX),
 * and lists what one device accepts in `GET /v2/device/{id}/scripting/options` (`credentials.roles`,
 * plus saved credentials by id). [unverified: not in the spec] The run request's own spelling is
 * homotechsual's (system, loggedonuser, SR_LOCAL_ADMINISTRATOR, ...). So a role is sent as the
 * device's scripting options spell it, whichever of the two spellings that is; without that list,
 * in homotechsual's spelling.
 */
export const NINJA_RUN_AS_ROLES = [
	{ value: 'system', spec: 'SYSTEM', name: 'System', description: 'The local SYSTEM account' },
	{
		value: 'loggedonuser',
		spec: 'LOGGED_ON_USER',
		name: 'Logged-On User',
		description: 'The user logged on at the device',
	},
	{
		value: 'SR_LOCAL_ADMINISTRATOR',
		spec: 'LOCAL_ADMIN',
		name: 'Local Administrator',
		description: "The policy's preferred local administrator credential",
	},
	{
		value: 'SR_DOMAIN_ADMINISTRATOR',
		spec: 'DOMAIN_ADMIN',
		name: 'Domain Administrator',
		description: "The policy's preferred domain administrator credential",
	},
	{
		value: 'SR_MAC_SCRIPT',
		spec: 'PREFERRED_CREDENTIAL_MAC',
		name: 'Preferred Mac Credential',
		description: "The policy's preferred credential for Mac scripts",
	},
	{
		value: 'SR_LINUX_SCRIPT',
		spec: 'PREFERRED_CREDENTIAL_LINUX',
		name: 'Preferred Linux Credential',
		description: "The policy's preferred credential for Linux scripts",
	},
] as const;

/** The role a run-as value names, in either spelling (not case-sensitive), or undefined. */
function roleOf(value: string): (typeof NINJA_RUN_AS_ROLES)[number] | undefined {
	const key = value.trim().toUpperCase();
	return NINJA_RUN_AS_ROLES.find((r) => r.value.toUpperCase() === key || r.spec === key);
}

export interface RunAsChoice {
	/** What goes into `runAs`. */
	send?: string;
	/** Why it cannot be sent: what the device allows. */
	problem?: string;
}

/**
 * `requested` (a role in either spelling, or a saved credential's id) as this device takes it,
 * checked against its scripting options (`roles`, `credentialIds`) when it lists them.
 */
export function runAsFor(
	requested: string,
	roles: readonly string[],
	credentialIds: readonly string[],
): RunAsChoice {
	const wanted = requested.trim();
	const allowed = () =>
		`Allowed: ${[...roles, ...credentialIds.map((c) => `credential ${c}`)].join(', ')}`;
	if (/^[1-9][0-9]*$/.test(wanted)) {
		if (credentialIds.length && !credentialIds.includes(wanted))
			return { problem: `credential ${wanted} is not offered for this device. ${allowed()}` };
		return { send: wanted };
	}
	const role = roleOf(wanted);
	if (!roles.length) return role ? { send: role.value } : { send: wanted };
	const match = roles.find((r) => r === wanted) ?? (role && roles.find((r) => roleOf(r) === role));
	return match ? { send: match } : { problem: `it is not allowed for this device. ${allowed()}` };
}
