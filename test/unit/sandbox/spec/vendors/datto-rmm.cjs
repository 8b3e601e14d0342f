/*
 * Datto RMM's official OpenAPI 3.1 spec (Build 235), with two documented repairs (see the README's
 * caveats); nothing else is relaxed:
 * - every timestamp is typed `string`/`date-time`, but the live API sends epoch milliseconds as
 *   integers (the spec's own `ErrorResponse.timestamp` says so): such a field takes either form;
 * - `Alert.alertContext` is a `oneOf` of ~30 `*Context` schemas that the real payloads (Jackson
 *   `@class` objects) match none of: it is an object that names its `@class`.
 */
const { dateTime } = require('../formats.cjs');

function epochOrDateTime(node) {
	if (!node || typeof node !== 'object') return;
	for (const [key, value] of Object.entries(node)) {
		if (
			value &&
			typeof value === 'object' &&
			value.type === 'string' &&
			value.format === 'date-time'
		) {
			const { type: _type, format: _format, ...rest } = value;
			node[key] = {
				...rest,
				oneOf: [
					{ type: 'string', format: 'date-time' },
					{ type: 'integer', minimum: 0 },
				],
			};
		} else epochOrDateTime(value);
	}
}

function prepare(definition) {
	epochOrDateTime(definition.components.schemas);
	epochOrDateTime(definition.paths);
	const alert = definition.components.schemas.Alert;
	if (!alert || !alert.properties || !alert.properties.alertContext)
		throw new Error('Alert.alertContext not in the spec');
	alert.properties.alertContext = {
		type: 'object',
		required: ['@class'],
		properties: { '@class': { type: 'string' } },
	};
	return definition;
}

function customizeAjv(ajv) {
	ajv.addFormat('date-time', dateTime);
	return ajv;
}

module.exports = { prepare, customizeAjv };
