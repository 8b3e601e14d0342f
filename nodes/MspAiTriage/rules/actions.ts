import type { Route } from './types';

/** Plain-language next steps for the ticket, by route. */
export function actionsFor(route: Route, category: string): string[] {
	switch (route) {
		case 'contain':
			return [
				'Isolate the device from the network',
				'Kill and quarantine the offending process',
				category === 'ransomware'
					? 'Check backups and shadow copies before restoring'
					: 'Collect a triage package from the device',
			];
		case 'needsApproval':
			return [
				'Ask the client contact to approve isolation',
				'Collect a triage package from the device',
				'Review recent sign-ins on the device',
			];
		case 'investigate':
			return [
				'Review the process tree and file reputation',
				'Check other devices for the same hash',
			];
		case 'dismiss':
			return ['Mark the detection as benign in the EDR'];
	}
}
