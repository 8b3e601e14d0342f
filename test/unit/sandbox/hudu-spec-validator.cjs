/*
 * Validates sandbox responses against Hudu's published Swagger 2.0 spec, in a plain Node process:
 * openapi-backend depends on an ESM-only $ref parser that Jest's module registry cannot load.
 * stdin: {"spec": "<path>", "samples": [{"body", "operationId", "status"}]}
 * stdout: [{"operationId", "status", "errors": [...]}]
 */
const { readFileSync, existsSync } = require('fs');
const { OpenAPIBackend } = require('openapi-backend');
const swagger2openapi = require('swagger2openapi');

/*
 * Hudu's spec types several attributes as plain strings/integers although it documents them as
 * "Can be null" (and Hudu serializes unset attributes as null). Those, plus attributes that are
 * null for the records the node writes (a company article has no folder and no share URL; a tile
 * has either an icon or an image, content or a link), may be null; nothing else is relaxed.
 */
const ALSO_NULLABLE = {
	Article: ['folder_id', 'share_url', 'company_id'],
	MagicDash: ['shade', 'content_link', 'content', 'icon', 'image_url'],
};

function relaxDocumentedNulls(openapi) {
	for (const [name, schema] of Object.entries(openapi.components.schemas)) {
		for (const [prop, def] of Object.entries(schema.properties || {})) {
			if (/can be null/i.test(def.description || '') || (ALSO_NULLABLE[name] || []).includes(prop)) def.nullable = true;
		}
	}
}

async function main() {
	const input = JSON.parse(readFileSync(0, 'utf8'));
	if (!existsSync(input.spec)) throw new Error(`Hudu spec missing at ${input.spec}`);
	const swagger = JSON.parse(readFileSync(input.spec, 'utf8'));
	// The published file carries a stray top-level `$ref: ./info.json#/info` to a file that is not
	// shipped with it; the same `info` is inline, so the dangling reference is dropped.
	delete swagger.$ref;
	// No `produces` in the file, so responses convert to `*/*`; the API answers JSON ("All API
	// requests must use JSON format"), and openapi-backend only validates application/json bodies.
	swagger.produces = ['application/json'];
	const { openapi } = await swagger2openapi.convertObj(swagger, { patch: true, warnOnly: true });
	relaxDocumentedNulls(openapi);
	const api = new OpenAPIBackend({
		definition: openapi,
		quick: true,
		validate: true,
		// RFC 3339 date-times, checked rather than ignored as an unknown format.
		customizeAjv: (ajv) => {
			ajv.addFormat('date-time', (value) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value)));
			return ajv;
		},
	});
	await api.init();
	const results = input.samples.map(({ body, operationId, status }) => {
		const result = api.validateResponse(body, operationId, status);
		return { operationId, status, errors: result.errors || [] };
	});
	process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
	process.stderr.write(String(error && error.stack ? error.stack : error));
	process.exit(1);
});
