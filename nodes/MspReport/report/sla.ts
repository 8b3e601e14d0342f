import type { SlaHours } from './types';

/**
 * Default SLA hours. Patches: 14 days for critical and high (Cyber Essentials asks for 14 days
 * for high and critical updates), 30 days medium, 90 days low. Incidents: hours, not days.
 */
export const DEFAULT_SLA_HOURS: SlaHours = {
	patch: { critical: 336, high: 336, medium: 720, low: 2160, informational: 2160 },
	incident: { critical: 4, high: 24, medium: 72, low: 168, informational: 336 },
};
