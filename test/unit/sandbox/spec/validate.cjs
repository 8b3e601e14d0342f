/*
 * Validates sandbox payloads against a vendor's published OpenAPI spec with openapi-backend, in a
 * plain Node process: openapi-backend depends on an ESM-only $ref parser that Jest's module
 * registry cannot load. `index.ts` runs it.
 *
 * stdin:  {"vendor", "spec": "<path>", "samples": [{"label", "operationId", "status"?, "body", "request"?, "rowSchema"?}]}
 * stdout: [{"label", "operationId", "status", "errors": ["<path> <message>", ...]}]
 *
 * Each vendor's quirks live in vendors/<vendor>.cjs: `prepare(spec, samples)` returns the OpenAPI 3
 * definition to validate against (conversion, repairs, extra operations), `customizeAjv` adds
 * the formats it checks, `target(sample)` may point a sample at another operation.
 *
 * Rules for every vendor, so a validation can never pass by matching nothing: the operation
 * must exist; the status must be documented (or the spec's `default` response used); a sample
 * with a body needs a JSON schema for that response (or, with `request: true`, for the request).
 */
const { readFileSync, existsSync } = require('fs');
const path = require('path');
const { OpenAPIBackend } = require('openapi-backend');

const message = (e) => `${e.instancePath || '/'} ${e.message}`;
const jsonSchema = (content) =>
	content && content['application/json'] && content['application/json'].schema;

function validateRequest(api, operation, body) {
	if (!jsonSchema(operation.requestBody && operation.requestBody.content))
		return ['no JSON schema for this request'];
	const result = api.validateRequest({
		method: operation.method,
		path: operation.path,
		body,
		headers: { 'content-type': 'application/json' },
	});
	return (result.errors || []).map(message);
}

function validateResponse(api, operation, status, body) {
	const responses = operation.responses || {};
	const response = responses[String(status)] || responses.default;
	if (!response) return [`no response ${status} in the spec`];
	if (body === undefined || body === '')
		return responses[String(status)] ? [] : [`status ${status} is not documented`];
	if (!jsonSchema(response.content)) return ['no JSON schema for this response'];
	return (api.validateResponse(body, operation.operationId, status).errors || []).map(message);
}

async function main() {
	// ajv warns about every format it does not know ('uuid'...); the warnings are noise here.
	console.warn = () => {};
	const input = JSON.parse(readFileSync(0, 'utf8'));
	const vendor = require(path.join(__dirname, 'vendors', `${path.basename(input.vendor)}.cjs`));
	if (!existsSync(input.spec)) throw new Error(`${input.vendor} spec missing at ${input.spec}`);
	const definition = await vendor.prepare(
		JSON.parse(readFileSync(input.spec, 'utf8')),
		input.samples,
	);
	const api = new OpenAPIBackend({
		definition,
		quick: true,
		validate: true,
		customizeAjv: vendor.customizeAjv,
	});
	await api.init();
	const results = input.samples.map((sample) => {
		const { operationId, status = 200 } = vendor.target ? vendor.target(sample) : sample;
		const operation = api.getOperation(operationId);
		const errors = !operation
			? ['operation not in the spec']
			: sample.request
				? validateRequest(api, operation, sample.body)
				: validateResponse(api, operation, status, sample.body);
		return { label: sample.label, operationId, status, errors };
	});
	process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
	process.stderr.write(String(error && error.stack ? error.stack : error));
	process.exit(1);
});
