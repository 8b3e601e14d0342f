/*
 * Validates ConnectWise Automate sandbox payloads against the ConnectWise-published Automate
 * swagger (merged into cw-automate-v1.merged.openapi.json), in a plain Node process:
 * openapi-backend depends on an ESM-only $ref parser that Jest's module registry cannot load.
 * The spec's paths are `/api/v1/...` while the live server serves `/cwa/api/v1/...`; samples
 * are matched by operationId, so the prefix does not matter.
 * Some operations answer a generic `object` in the spec (MicrosoftUpdates, Computers/{id}/Alerts):
 * a sample may name the spec schema of its rows (`rowSchema`) and is then validated as an array
 * of that schema.
 * stdin: {"spec": "<path>", "samples": [{"label", "operationId", "status", "body", "rowSchema"?}]}
 * stdout: [{"label", "operationId", "errors": [...]}]
 */
const { readFileSync, existsSync } = require('fs');
const { OpenAPIBackend } = require('openapi-backend');

function withRowOperations(definition, samples) {
	const paths = { ...definition.paths };
	for (const sample of samples.filter((s) => s.rowSchema)) {
		const operationId = `rows:${sample.rowSchema}`;
		if (!definition.components.schemas[sample.rowSchema]) throw new Error(`schema ${sample.rowSchema} not in the spec`);
		paths[`/__rows/${sample.rowSchema}`] = {
			get: {
				operationId,
				responses: { 200: { description: 'rows', content: { 'application/json': { schema: { type: 'array', items: { $ref: `#/components/schemas/${sample.rowSchema}` } } } } } },
			},
		};
	}
	return { ...definition, paths };
}

async function main() {
	// ajv warns about every 'uuid' format it does not know; the warnings are noise here.
	console.warn = () => {};
	const input = JSON.parse(readFileSync(0, 'utf8'));
	if (!existsSync(input.spec)) throw new Error(`Automate spec missing at ${input.spec}`);
	const definition = withRowOperations(JSON.parse(readFileSync(input.spec, 'utf8')), input.samples);
	const api = new OpenAPIBackend({ definition, quick: true });
	await api.init();
	const results = input.samples.map((sample) => {
		const operationId = sample.rowSchema ? `rows:${sample.rowSchema}` : sample.operationId;
		const operation = api.getOperation(operationId);
		if (!operation) return { label: sample.label, operationId, errors: ['operation not in the spec'] };
		const status = sample.rowSchema ? 200 : sample.status;
		const response = (operation.responses || {})[String(status)];
		if (!response) return { label: sample.label, operationId, errors: [`status ${status} is not documented`] };
		if (sample.body === undefined || sample.body === '') return { label: sample.label, operationId, errors: [] };
		const schema = response.content && response.content['application/json'] && response.content['application/json'].schema;
		if (!schema) return { label: sample.label, operationId, errors: ['no JSON schema for this response'] };
		const result = api.validateResponse(sample.body, operationId, status);
		return { label: sample.label, operationId, errors: (result.errors || []).map((e) => `${e.instancePath || '/'} ${e.message}`) };
	});
	process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
	process.stderr.write(String(error && error.stack ? error.stack : error));
	process.exit(1);
});
