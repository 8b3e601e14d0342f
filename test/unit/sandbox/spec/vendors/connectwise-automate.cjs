/*
 * ConnectWise Automate: the ConnectWise-published swagger, merged into one OpenAPI 3 file. Its
 * paths are `/api/v1/...` while the server serves `/cwa/api/v1/...`; samples are matched by
 * operationId, so the prefix does not matter.
 * Some operations answer a generic `object` in the spec (MicrosoftUpdates, Computers/{id}/Alerts):
 * a sample may name the spec schema of its rows (`rowSchema`) and is then validated as an array
 * of that schema, through an operation added for it.
 */
const rowsOperation = (schema) => `rows:${schema}`;

function prepare(definition, samples) {
	const paths = { ...definition.paths };
	for (const sample of samples.filter((s) => s.rowSchema)) {
		if (!definition.components.schemas[sample.rowSchema])
			throw new Error(`schema ${sample.rowSchema} not in the spec`);
		const schema = { type: 'array', items: { $ref: `#/components/schemas/${sample.rowSchema}` } };
		paths[`/__rows/${sample.rowSchema}`] = {
			get: {
				operationId: rowsOperation(sample.rowSchema),
				responses: { 200: { description: 'rows', content: { 'application/json': { schema } } } },
			},
		};
	}
	return { ...definition, paths };
}

const target = (sample) =>
	sample.rowSchema ? { operationId: rowsOperation(sample.rowSchema), status: 200 } : sample;

module.exports = { prepare, target };
