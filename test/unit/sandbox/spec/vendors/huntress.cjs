/* Huntress publishes Swagger 2.0 (API v1): converted to OpenAPI 3 with swagger2openapi. */
const swagger2openapi = require('swagger2openapi');
const { dateTime } = require('../formats.cjs');

/*
 * Repairs, each where the spec contradicts itself or JSON Schema; nothing else is relaxed
 * (the reseller paths' operation ids are renamed below, see the comment there):
 * - a type written with a capital (`Account.neighborhood_watch` is `"type": "Object"`) is the
 *   JSON Schema type in lower case;
 * - attributes whose description says they are null when not applicable (`closed_at`: "Null if
 *   non-applicable", `edr_version`: "or `null`") are typed as plain strings or booleans: nullable;
 * - `Remediation.parameters` is typed as an array of strings, but its own example and description
 *   give `[{"name","description"}]` pairs for assisted remediations and a string for containment.
 */
function repair(openapi) {
	for (const schema of Object.values(openapi.components.schemas)) {
		for (const def of Object.values(schema.properties || {})) {
			if (typeof def.type === 'string') def.type = def.type.toLowerCase();
			if (/\bnull\b/i.test(def.description || '')) def.nullable = true;
		}
	}
	// The reseller variants under /v1/accounts/{account_id}/… reuse the operation ids of the plain
	// paths (IsolateAgent, ReleaseAgent, …); they get their own, so an id names the path the node calls.
	for (const [path, item] of Object.entries(openapi.paths))
		if (path.startsWith('/v1/accounts/{account_id}/'))
			for (const operation of Object.values(item))
				if (operation && operation.operationId)
					operation.operationId = `account_${operation.operationId}`;
	const remediation = openapi.components.schemas.Remediation;
	if (remediation) remediation.properties.parameters = {};
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
