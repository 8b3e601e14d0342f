import type { ICredentialsDisplayOptions, INodeCredentialDescription } from 'n8n-workflow';

/**
 * One credential per provider, each offered only while its provider is chosen.
 *
 * Written as `hide` for the other providers, never as `show` for its own: n8n's editor takes a
 * parameter whose every option appears in the credentials' `displayOptions.show` for the node's
 * authentication switch, removes it from the parameter list (with every other parameter named
 * in those `show` blocks, Resource and Operation included) and expects the user to pick the
 * authentication in the credential dialog. The Provider would then be invisible and could not be
 * switched. `hide` reads the same at run time and leaves every parameter where the user sees it.
 */
export function credentialPerProvider(
	credentialOf: Record<string, string>,
	extra: ICredentialsDisplayOptions = {},
): INodeCredentialDescription[] {
	const providers = Object.keys(credentialOf);
	return providers.map((provider) => {
		const others = providers.filter((p) => p !== provider);
		const hide = { ...extra.hide, ...(others.length > 0 ? { provider: others } : {}) };
		const displayOptions: ICredentialsDisplayOptions = { ...extra };
		if (Object.keys(hide).length > 0) displayOptions.hide = hide;
		return {
			name: credentialOf[provider],
			required: true,
			...(Object.keys(displayOptions).length > 0 ? { displayOptions } : {}),
		};
	});
}
