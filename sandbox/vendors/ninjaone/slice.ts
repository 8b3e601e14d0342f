import type { World } from '../../world/types';
import type { NinjaActivity } from './activity';

/** A NinjaOne condition alert (spec `Alert`), kept in the vendor slice. */
export interface NinjaAlert {
	uid: string;
	deviceKey: string;
	sourceType: string;
	sourceConfigUid: string;
	sourceName: string;
	subject: string;
	message: string;
	severity: string;
	priority: string;
	conditionName: string;
	conditionHealthStatus: string;
	createTime: string;
	updateTime: string;
}

export interface NinjaSlice {
	alerts: NinjaAlert[];
	activities: NinjaActivity[];
	/** Operation id -> transitions already recorded as activities. */
	recorded: Record<string, string[]>;
}

export function slice(world: World): NinjaSlice {
	let value = world.vendors.ninjaone as NinjaSlice | undefined;
	if (!value) {
		value = { alerts: [], activities: [], recorded: {} };
		world.vendors.ninjaone = value;
	}
	return value;
}
