import { z } from 'zod';

const str = z.string().nullable().optional();

/** The parts of Defender for Endpoint payloads the provider relies on; the rest passes through under raw. */
export const MdeEvidence = z
	.object({
		entityType: str,
		sha1: str,
		sha256: str,
		fileName: str,
		filePath: str,
		detectionStatus: str,
		md5: str,
		processCommandLine: str,
		parentProcessFileName: str,
		/** Process evidence may name the account it ran as [unverified: not in the reference's sample]. */
		accountName: str,
		domainName: str,
	})
	.passthrough();

export const MdeAlert = z
	.object({
		id: z.string(),
		severity: str,
		status: str,
		classification: str,
		determination: str,
		category: str,
		title: str,
		threatFamilyName: str,
		alertCreationTime: z.string(),
		lastUpdateTime: str,
		machineId: str,
		computerDnsName: str,
		rbacGroupName: str,
		mitreTechniques: z.array(z.string()).nullable().optional(),
		relatedUser: z.object({ userName: str, domainName: str }).passthrough().nullable().optional(),
		evidence: z.array(MdeEvidence).nullable().optional(),
	})
	.passthrough();
export type MdeAlert = z.infer<typeof MdeAlert>;
export type MdeEvidence = z.infer<typeof MdeEvidence>;

/** The File entity (`GET /api/files/{id}`): where Defender reports a file's signer. */
export const MdeFile = z
	.object({
		sha1: z.string().nullable().optional(),
		signer: z.string().nullable().optional(),
		isValidCertificate: z.boolean().nullable().optional(),
	})
	.passthrough();
export type MdeFile = z.infer<typeof MdeFile>;

export const MdeMachine = z
	.object({
		id: z.string(),
		computerDnsName: z.string(),
		osPlatform: str,
		healthStatus: str,
		lastSeen: str,
		lastIpAddress: str,
		rbacGroupId: z.union([z.number(), z.string()]).nullable().optional(),
		rbacGroupName: str,
	})
	.passthrough();
export type MdeMachine = z.infer<typeof MdeMachine>;

export const MdeMachineAction = z
	.object({
		id: z.string(),
		type: z.string(),
		status: z.string(),
		machineId: str,
		creationDateTimeUtc: z.string(),
		lastUpdateDateTimeUtc: str,
	})
	.passthrough();
export type MdeMachineAction = z.infer<typeof MdeMachineAction>;

export const MdeCollection = <T extends z.ZodTypeAny>(item: T) =>
	z.object({ value: z.array(item), '@odata.nextLink': z.string().optional() }).passthrough();
