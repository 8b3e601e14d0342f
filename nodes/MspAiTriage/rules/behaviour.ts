import type { Severity } from './types';

/**
 * What an attacker's command does, recognised on normalized text (see normalize.ts: lower case,
 * escapes removed, encoded payloads decoded). A process name or a signer says who ran something;
 * these say what it did, so a signed admin tool doing any of it is not routine.
 */
export interface Behaviour {
	id: BehaviourId;
	/** Plain words for the rationale and the ticket. */
	label: string;
	severity: Severity;
	category: string;
}

export type BehaviourId =
	| 'credential-access'
	| 'download-cradle'
	| 'encoded-command'
	| 'shadow-copy-deletion'
	| 'security-tool-tampering'
	| 'lateral-movement';

interface Detector {
	pattern: RegExp;
}

export const BEHAVIOURS: Record<BehaviourId, Behaviour> = {
	'credential-access': {
		id: 'credential-access',
		label: 'credential access (LSASS memory, SAM or NTDS secrets)',
		severity: 'high',
		category: 'credential-theft',
	},
	'download-cradle': {
		id: 'download-cradle',
		label: 'a download cradle (code fetched from the network and run)',
		severity: 'high',
		category: 'malware',
	},
	'encoded-command': {
		id: 'encoded-command',
		label: 'an encoded command',
		severity: 'medium',
		category: 'suspicious-activity',
	},
	'shadow-copy-deletion': {
		id: 'shadow-copy-deletion',
		label: 'shadow-copy or backup deletion',
		severity: 'high',
		category: 'ransomware',
	},
	'security-tool-tampering': {
		id: 'security-tool-tampering',
		label: 'tampering with security tools or logs',
		severity: 'high',
		category: 'defense-evasion',
	},
	'lateral-movement': {
		id: 'lateral-movement',
		label: 'lateral movement (remote execution on other machines)',
		severity: 'medium',
		category: 'lateral-movement',
	},
};

const EXE = '(?:\\.exe)?';
const DEFENDERS =
	'(?:windefend|sense|wdboot|wdfilter|wdnissvc|wdnisdrv|msmpeng|mssense|securityhealthservice|sentinel\\w*|csagent|csfalcon\\w*|cb\\w*defense|sophos\\w*|mbamservice|huntress\\w*)';

const DETECTORS: Record<BehaviourId, readonly Detector[]> = {
	'credential-access': [
		{ pattern: /lsass.{0,120}(dump|\.dmp|-ma\b|\/ma\b|-mm\b|memory)/ },
		{ pattern: /(dump|\.dmp|-ma\b|\/ma\b|memory|createdump|sqldumper).{0,120}lsass/ },
		{ pattern: /comsvcs(\.dll)?[\s,]+#?(minidump|mini ?dump|24\b)/ },
		{ pattern: /\b(out-)?minidump\b/ },
		{
			pattern:
				/sekurlsa|lsadump|mimikatz|mimilib|kerberos::|privilege::debug|pypykatz|nanodump|dumpert|safetykatz|dcsync|handlekatz/,
		},
		{
			pattern: new RegExp(
				`\\breg${EXE}\\s+(save|export)\\s+"?(hklm|hkey_local_machine)\\\\(sam|security|system)\\b`,
			),
		},
		{ pattern: /ntds\.dit|ntdsutil.{0,80}\b(ifm|create full|ac i ntds)/ },
	],
	'download-cradle': [
		{ pattern: /\b(downloadstring|downloadfile|downloaddata)(async)?\b/ },
		{
			pattern: /net\.webclient|start-bitstransfer|msxml2\.(server)?xmlhttp|winhttp\.winhttprequest/,
		},
		{ pattern: /bitsadmin.{0,40}\/(transfer|addfile)/ },
		{
			pattern:
				/\b(iwr|irm|wget|curl|invoke-webrequest|invoke-restmethod)\b.{0,300}\|\s*(iex|invoke-expression)\b|\b(iex|invoke-expression)\b.{0,200}(https?|ftp):\/\//,
		},
		{ pattern: /certutil.{0,80}[-/](urlcache|verifyctl|decode)/ },
		{ pattern: /mshta.{0,40}(https?:|javascript:|vbscript:)/ },
		{ pattern: /regsvr32.{0,120}\/i:\s*"?(https?|ftp):|scrobj\.dll/ },
		{ pattern: /rundll32.{0,80}javascript:/ },
		{ pattern: /msiexec.{0,60}(https?|ftp):\/\// },
	],
	'encoded-command': [
		{
			pattern:
				/\b(powershell|pwsh)(\.exe)?\b.{0,300}\s[-/]e(c|n|nc|nco|ncod|ncode|ncoded|ncodedc\w*)?\s+"?[a-z0-9+/]{16,}/,
		},
		{ pattern: /frombase64string/ },
	],
	'shadow-copy-deletion': [
		{ pattern: /vssadmin.{0,40}(delete|resize)\s+shadow/ },
		{ pattern: /shadowcopy.{0,80}(delete|remove)/ },
		{ pattern: /wbadmin.{0,40}delete\s+(catalog|systemstatebackup|backup)/ },
		{ pattern: /bcdedit.{0,80}(recoveryenabled\s+no|ignoreallfailures)/ },
	],
	'security-tool-tampering': [
		{ pattern: /(set|add)-mppreference.{0,120}-(disable\w*|exclusion\w*)/ },
		{
			pattern:
				/disable(antispyware|antivirus|realtimemonitoring|behaviormonitoring|ioavprotection|scriptscanning|blockatfirstseen)/,
		},
		{
			pattern: new RegExp(
				`\\b(sc${EXE}\\s+(stop|delete|config)|net${EXE}\\s+stop|taskkill${EXE}.{0,60}|stop-service.{0,40}|set-service.{0,40})\\s*"?${DEFENDERS}`,
			),
		},
		{ pattern: /wevtutil.{0,20}\s(cl|clear-log)\b/ },
		{ pattern: /clear-eventlog|auditpol.{0,40}\/(clear|remove)|fltmc.{0,20}unload/ },
		{ pattern: /sentinelctl.{0,40}(unload|unprotect|disable|unquarantine)/ },
	],
	'lateral-movement': [
		{
			// PsExec to every machine (\\*), to a list (@file), copying a program over (-c), hiding its
			// service (-r) or with a password on the command line (-p).
			pattern: /psexe(c|c64|svc)(\.exe)?\b.{0,200}(\\\\\*|\s@\S|\s-c\b|\s-f\b|\s-r\s|\s-p\s)/,
		},
		{ pattern: /wmic.{0,40}\/node:.{0,200}process\s+call\s+create/ },
		{ pattern: /winrs.{0,20}[-/]r(emote)?:/ },
		{ pattern: /schtasks.{0,40}\/create.{0,200}\s\/s\s/ },
		{ pattern: /\bsc(\.exe)?\s+\\\\[^\s\\]+\s+(create|config)\b/ },
		{
			pattern:
				/(invoke-command|invoke-wmimethod|invoke-cimmethod|new-pssession|enter-pssession).{0,200}-computername/,
		},
		{ pattern: /\\\\[^\s\\]+\\(admin|c)\$/ },
	],
};

const ORDER = Object.keys(DETECTORS) as BehaviourId[];
/** One pass over the text answers "anything at all?"; most alerts stop there. */
const ANY = new RegExp(
	ORDER.flatMap((id) => DETECTORS[id].map((d) => `(?:${d.pattern.source})`)).join('|'),
);

/** Every behaviour the normalized text shows, in a fixed order. */
export function dangerousBehaviours(normalized: string): Behaviour[] {
	if (!ANY.test(normalized)) return [];
	return ORDER.filter((id) => DETECTORS[id].some((d) => d.pattern.test(normalized))).map(
		(id) => BEHAVIOURS[id],
	);
}

/** Names what the behaviour rule saw, so each alert's ticket says why this alert, not its neighbour, matters. */
export function behaviourReason(behaviours: readonly Behaviour[]): string {
	return `the command shows ${behaviours.map((b) => b.label).join(', ')}`;
}
