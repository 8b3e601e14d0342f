/*
 * Autotask publishes Swagger 2.0 ("Datto|Autotask PSA Rest API" v1); the repository keeps the paths
 * the node and the sandbox use with every definition they reference
 * (`test/fixtures/vendor-specs/autotask-rest-v1.0-swagger.subset.json`), converted to OpenAPI 3
 * with swagger2openapi. Repairs, nothing else relaxed:
 * - every model property is nullable: Autotask writes an empty field as null (`"completedDate":
 *   null`, `"assignedResourceID": null` in its own Get answers), which the swagger, lacking
 *   `x-nullable`, does not say;
 * - the definition `Object` (the .NET `object`, typed `{"type": "object"}`) takes any JSON value:
 *   `OperationResultModel.itemId` is one and Autotask answers it with the record's number
 *   (`{"itemId": 140000}`), `isSupportedWebhookField` with a boolean;
 * - request samples are checked for their body only: header parameters are dropped and path
 *   parameters take any value (the three login headers are tested by the sandbox test itself, and
 *   a sample names no path ids).
 */
const swagger2openapi = require('swagger2openapi');
const { dateTime } = require('../formats.cjs');

function repair(openapi) {
	for (const schema of Object.values(openapi.components.schemas))
		for (const def of Object.values(schema.properties || {})) def.nullable = true;
	openapi.components.schemas.Object = {};
	for (const item of Object.values(openapi.paths))
		for (const operation of Object.values(item))
			if (operation && Array.isArray(operation.parameters))
				operation.parameters = operation.parameters
					.filter((p) => p.in !== 'header')
					.map((p) => (p.in === 'path' ? { ...p, schema: {} } : p));
}

async function prepare(swagger) {
	const { openapi } = await swagger2openapi.convertObj(swagger, { patch: true, warnOnly: true });
	repair(openapi);
	return openapi;
}

function customizeAjv(ajv) {
	ajv.addFormat('date-time', dateTime);
	return ajv;
}

module.exports = { prepare, customizeAjv };
