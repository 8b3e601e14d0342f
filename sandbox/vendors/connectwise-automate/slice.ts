import type { World } from '../../world/types';

export interface AutomateAlert {
	AlertId: number;
	computerKey: string;
	monitorId: number;
	monitorName: string;
	severityId: number;
	severityName: string;
	source: string;
	message: string;
	fieldName: string;
	alertDate: string;
}

export interface AutomateSchedule {
	Id: number;
	ScriptId: number;
	ComputerId: number;
	operationId: string;
	body: Record<string, unknown>;
	user: string;
	lastUpdate: string;
}

export interface AutomateSlice {
	alerts: AutomateAlert[];
	schedules: AutomateSchedule[];
	/** Operation id -> ScriptHistory row id, given when the run first shows up in the history. */
	historyIds: Record<string, number>;
	/** Two-factor passcodes already used, per user: a passcode logs in once. */
	usedPasscodes: Record<string, string[]>;
}

export function slice(world: World): AutomateSlice {
	let value = world.vendors['connectwise-automate'] as AutomateSlice | undefined;
	// A world saved before passcodes were tracked.
	if (value && !value.usedPasscodes) value.usedPasscodes = {};
	if (!value) {
		value = { alerts: [], schedules: [], historyIds: {}, usedPasscodes: {} };
		world.vendors['connectwise-automate'] = value;
	}
	return value;
}
