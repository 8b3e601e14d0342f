/**
 * The sandbox's Entra ID directory: one MSP customer tenant with two app registrations that hold
 * WindowsDefenderATP application permissions. Static configuration (not world state) so the
 * credentials printed by the CLI keep working across resets; issued tokens live in the world.
 */

export interface DirectoryApp {
	appId: string;
	secret: string;
	displayName: string;
	/** Application permissions granted with admin consent, as they appear in the token's `roles`. */
	roles: string[];
}

export interface DirectoryTenant {
	id: string;
	domain: string;
	displayName: string;
	apps: DirectoryApp[];
}

export const SANDBOX_TENANT: DirectoryTenant = {
	id: '8c5e2f41-3b7d-4a6e-9f12-5d0c7b3a9e64',
	domain: 'contosomsp.onmicrosoft.com',
	displayName: 'Contoso MSP',
	apps: [
		{
			appId: '3f9a7c2e-1d4b-4e8a-b6f0-7c2d9e5a1b38',
			secret: 'sbx~Dfe8Q~r7Jk2mPq4Vt9Wx3Yz6Ab1Cd5Ef0Gh',
			displayName: 'n8n MSP orchestration',
			roles: [
				'Alert.Read.All',
				'Alert.ReadWrite.All',
				'Machine.Read.All',
				'Machine.ReadWrite.All',
				'Machine.Isolate',
				'Machine.Scan',
				'Machine.StopAndQuarantine',
				'File.Read.All',
			],
		},
		{
			appId: '7b1e4d9c-2a6f-4c3b-8e5d-0f9a1c7e2b46',
			secret: 'sbx~ReadOnly~Kp3Lm7Nq1Rs5Tu9Vw2Xy6Za0Bc',
			displayName: 'n8n MSP read-only reporting',
			roles: ['Alert.Read.All', 'Machine.Read.All', 'File.Read.All'],
		},
	],
};

export const DIRECTORY: DirectoryTenant[] = [SANDBOX_TENANT];

/** Resources (application ID URIs) of the WindowsDefenderATP service principal. */
export const DEFENDER_RESOURCES = [
	'https://api.securitycenter.microsoft.com',
	'https://api.security.microsoft.com',
	'https://securitycenter.onmicrosoft.com/windowsatpservice',
	'https://api-gcc.securitycenter.microsoft.us',
	'https://api-gov.securitycenter.microsoft.us',
];

/** Other well-known resources a client may ask a token for (a Defender call with such a token is refused). */
export const OTHER_RESOURCES = ['https://graph.microsoft.com', 'https://management.azure.com'];

/** The token slice name shared with the Defender vendor, which validates these tokens. */
export const TOKEN_SLICE = 'microsoft-login';

export function findTenant(identifier: string): DirectoryTenant | undefined {
	const lower = identifier.toLowerCase();
	return DIRECTORY.find((t) => t.id === lower || t.domain === lower);
}

export function findApp(appId: string): { tenant: DirectoryTenant; app: DirectoryApp } | undefined {
	for (const tenant of DIRECTORY) {
		const app = tenant.apps.find((a) => a.appId === appId);
		if (app) return { tenant, app };
	}
	return undefined;
}
