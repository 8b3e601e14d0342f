/* Hudu publishes Swagger 2.0 (API v2.44.0): converted to OpenAPI 3 with swagger2openapi. */
const swagger2openapi = require('swagger2openapi');
const { dateTime } = require('../formats.cjs');

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
			if (/can be null/i.test(def.description || '') || (ALSO_NULLABLE[name] || []).includes(prop))
				def.nullable = true;
		}
	}
}

async function prepare(swagger) {
	// The published file carries a stray top-level `$ref: ./info.json#/info` to a file that is not
	// shipped with it; the same `info` is inline, so the dangling reference is dropped.
	delete swagger.$ref;
	// No `produces` in the file, so responses convert to `*/*`; the API answers JSON ("All API
	// requests must use JSON format"), and openapi-backend only validates application/json bodies.
	swagger.produces = ['application/json'];
	const { openapi } = await swagger2openapi.convertObj(swagger, { patch: true, warnOnly: true });
	relaxDocumentedNulls(openapi);
	return openapi;
}

function customizeAjv(ajv) {
	ajv.addFormat('date-time', dateTime);
	return ajv;
}

module.exports = { prepare, customizeAjv };
