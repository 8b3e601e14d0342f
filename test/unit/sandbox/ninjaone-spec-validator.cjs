/*
 * Validates NinjaOne sandbox payloads against NinjaOne's official OpenAPI 3 spec
 * (NinjaRMM-API-v2.json) in a plain Node process: openapi-backend depends on an ESM-only
 * $ref parser that Jest's module registry cannot load.
 * stdin: {"spec": "<path>", "samples": [{"label", "operationId", "status", "body"}]}
 * stdout: [{"label", "operationId", "errors": [...]}]
 * A sample whose operation has no response schema for its status is an error, so a
 * validation can never pass by matching nothing.
 */
const { readFileSync, existsSync } = require('fs');
const { OpenAPIBackend } = require('openapi-backend');

async function main() {
	// ajv warns about every 'uuid' format it does not know; the warnings are noise here.
	console.warn = () => {};
	const input = JSON.parse(readFileSync(0, 'utf8'));
	if (!existsSync(input.spec)) throw new Error(`NinjaOne spec missing at ${input.spec}`);
	const definition = JSON.parse(readFileSync(input.spec, 'utf8'));
	const api = new OpenAPIBackend({ definition, quick: true });
	await api.init();
	const results = input.samples.map((sample) => {
		const operation = api.getOperation(sample.operationId);
		if (!operation) return { label: sample.label, operationId: sample.operationId, errors: ['operation not in the spec'] };
		const responses = operation.responses || {};
		const response = responses[String(sample.status)] || responses.default;
		if (!response) return { label: sample.label, operationId: sample.operationId, errors: [`no response ${sample.status} in the spec`] };
		if (sample.body === undefined || sample.body === '') {
			return { label: sample.label, operationId: sample.operationId, errors: responses[String(sample.status)] ? [] : [`status ${sample.status} is not documented`] };
		}
		const schema = response.content && response.content['application/json'] && response.content['application/json'].schema;
		if (!schema) return { label: sample.label, operationId: sample.operationId, errors: ['no JSON schema for this response'] };
		const result = api.validateResponse(sample.body, sample.operationId, sample.status);
		return { label: sample.label, operationId: sample.operationId, errors: (result.errors || []).map((e) => `${e.instancePath || '/'} ${e.message}`) };
	});
	process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
	process.stderr.write(String(error && error.stack ? error.stack : error));
	process.exit(1);
});
