import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

function optionsOf(property: INodeProperties | undefined): INodePropertyOptions[] {
	return ((property?.options ?? []) as INodePropertyOptions[]).filter(
		(o) =>
			typeof o.name === 'string' && (typeof o.value === 'string' || typeof o.value === 'number'),
	);
}

/**
 * An expression object literal of value -> display name. Wrapped in parentheses and built from
 * JSON, so it never contains "}}", which would end the expression early.
 */
function table(entries: Record<string, string>): string {
	return `(${JSON.stringify(entries)})`;
}

/**
 * The subtitle of a resource/operation node in the words the editor shows ("Get Many: Ticket"),
 * not the stored values ("search: ticket"): operation values stay as they are for saved workflows,
 * so a subtitle built from them would name operations the user never sees. The names come from the
 * node's own options, so they cannot drift; an operation given by expression falls back to the values.
 */
export function operationSubtitle(properties: INodeProperties[]): string {
	const resources = new Map(
		optionsOf(properties.find((p) => p.name === 'resource')).map((o) => [String(o.value), o.name]),
	);
	const names: Record<string, string> = {};
	for (const operation of properties.filter((p) => p.name === 'operation')) {
		const shownFor = (operation.displayOptions?.show?.resource ?? []) as string[];
		for (const resource of shownFor)
			for (const option of optionsOf(operation))
				names[`${resource}:${option.value}`] =
					`${option.name}: ${resources.get(resource) ?? resource}`;
	}
	return `={{ ${table(names)}[$parameter["resource"] + ":" + $parameter["operation"]] || $parameter["operation"] + ": " + $parameter["resource"] }}`;
}

/** A subtitle naming the chosen option of one parameter by its display name, after a fixed text. */
export function optionSubtitle(prefix: string, property: INodeProperties): string {
	const names = Object.fromEntries(optionsOf(property).map((o) => [String(o.value), o.name]));
	return `={{ ${JSON.stringify(prefix)} + (${table(names)}[$parameter["${property.name}"]] || $parameter["${property.name}"]) }}`;
}
