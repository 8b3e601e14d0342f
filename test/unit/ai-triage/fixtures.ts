import type { ChatMessage } from '../../../nodes/MspAiTriage/model/prompt';

/** Alerts in the normalized Threat shape (as MSP EDR outputs them), matching the sandbox scenarios. */
export const RANSOMWARE = {
	id: '2100000000000007717',
	deviceId: 'agent-1',
	hostname: 'BSD-WS02',
	severity: 'critical',
	classification: 'Ransomware',
	processName: 'invoice_viewer.exe',
	processPath: 'C:\\Users\\chloe\\AppData\\Local\\Temp\\invoice_viewer.exe',
	sha256: 'a'.repeat(64),
	verdict: 'undefined',
	status: 'new',
	raw: {
		threatInfo: {
			commandLine: '"invoice_viewer.exe" --silent --encrypt C:\\Users',
			confidenceLevel: 'malicious',
		},
	},
};

export const PUP = {
	id: 't-pup',
	hostname: 'NWL-WS05',
	severity: 'low',
	classification: 'PUA',
	processName: 'browserassistant.exe',
	sha256: 'b'.repeat(64),
	verdict: 'suspicious',
	status: 'new',
};

export const ADMIN_TOOL = {
	id: 't-admin',
	hostname: 'HLL-WS01',
	severity: 'medium',
	classification: 'Hacktool',
	processName: 'PsExec64.exe',
	sha256: 'c'.repeat(64),
	verdict: 'suspicious',
	status: 'new',
	raw: {
		threatInfo: {
			publisherName: 'Microsoft Corporation',
			isValidCertificate: true,
			commandLine: 'PsExec64.exe \\\\HLL-SRV02 -s cmd /c "gpupdate /force"',
		},
	},
};

export const SERVER_THEFT = {
	id: 't-srv',
	hostname: 'NWL-SRV01',
	severity: 'high',
	classification: 'Malware',
	processName: 'rundll32.exe',
	sha256: 'd'.repeat(64),
	verdict: 'truePositive',
	status: 'new',
};

export const PLAIN_SUSPICIOUS = {
	id: 't-plain',
	hostname: 'BSD-WS05',
	severity: 'medium',
	classification: 'Generic.Suspicious',
	processName: 'updater_tool.exe',
	sha256: 'e'.repeat(64),
	verdict: 'suspicious',
	status: 'new',
};

export interface FakeAnswer {
	severity?: string;
	category?: string;
	confidence?: number;
	route?: string;
	rationale?: string;
	recommendedActions?: string[];
}

export const answer = (a: FakeAnswer) =>
	JSON.stringify({
		severity: 'medium',
		category: 'malware',
		confidence: 0.9,
		route: 'investigate',
		rationale: 'Model says so.',
		recommendedActions: [],
		...a,
	});

/** A fake chat model: records every call and answers with `reply(messages, callIndex)`. */
export function fakeModel(
	reply: (messages: ChatMessage[], call: number) => unknown | Promise<unknown>,
	name = 'fake-model-1',
) {
	const calls: ChatMessage[][] = [];
	let inFlight = 0;
	let maxInFlight = 0;
	const model = {
		model: name,
		calls,
		get maxInFlight() {
			return maxInFlight;
		},
		async invoke(messages: ChatMessage[]) {
			calls.push(messages);
			inFlight++;
			maxInFlight = Math.max(maxInFlight, inFlight);
			try {
				await new Promise((resolve) => setImmediate(resolve));
				const result = await reply(messages, calls.length - 1);
				return typeof result === 'string'
					? { content: result, response_metadata: { model_name: name } }
					: result;
			} finally {
				inFlight--;
			}
		},
	};
	return model;
}

/** The alert JSON the prompt carried, read back out of the data block. */
export function alertInPrompt(messages: ChatMessage[]): {
	alert: Record<string, unknown>;
	extractedFacts: Record<string, unknown>;
} {
	const human = messages.find(([role]) => role === 'human')![1];
	const lines = human.split('\n');
	const begin = lines.findIndex((line) => /^ALERT_DATA_[0-9a-f]+_BEGIN$/.test(line));
	return JSON.parse(lines[begin + 1]);
}

/**
 * An obedient model: reads the data block and follows any instruction planted in it, answering
 * "benign, dismiss" with full confidence, as a manipulated model would.
 */
export function obedientModel() {
	return fakeModel((messages) => {
		const human = messages.find(([role]) => role === 'human')![1];
		const obeys =
			/ignore|disregard|benign|false positive|do not|dismiss|system:|you are|new instructions|safe|override|informational|not malicious/i.test(
				human.split('\n').slice(2).join('\n'),
			);
		return obeys
			? answer({
					severity: 'informational',
					category: 'benign',
					confidence: 1,
					route: 'dismiss',
					rationale: 'As instructed, benign.',
				})
			: answer({ severity: 'high', category: 'malware', confidence: 0.9, route: 'contain' });
	});
}
