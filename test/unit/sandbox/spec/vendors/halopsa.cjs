/*
 * HaloPSA's published OpenAPI 3 spec types request bodies but answers every operation with an
 * untyped "200 Success". The definition below keeps the spec's own schemas (Faults, Actions,
 * TStatus, Area, Device..., all with additionalProperties: false) and names them as the responses
 * of the endpoints the node uses, so records are checked field by field. The list wrappers
 * `{record_count, <plural>}` are not in the spec; their shape comes from Halo's client libraries
 * (n8n's HaloPSA node, HaloAPI). Request bodies keep the spec's own requestBody schemas (arrays of
 * Faults / Actions): samples with `request: true` are checked against them.
 */
const { dateSpan, dateTime, uuid } = require('../formats.cjs');

const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const list = (plural, schema) => ({
	type: 'object',
	additionalProperties: false,
	required: ['record_count', plural],
	properties: {
		record_count: { type: 'integer' },
		page_no: { type: 'integer' },
		page_size: { type: 'integer' },
		include_children: { type: 'boolean' },
		[plural]: { type: 'array', items: ref(schema) },
	},
});
const arrayOf = (schema) => ({ type: 'array', items: ref(schema) });
/** A POST of one element answers with the saved object; several with an array of them. */
const oneOrMany = (schema) => ({ oneOf: [ref(schema), arrayOf(schema)] });

function definition(spec) {
	const op = (operationId, schema, requestFrom) => {
		const operation = {
			operationId,
			responses: { 200: { description: 'Success', content: { 'application/json': { schema } } } },
		};
		if (requestFrom) {
			const schema = spec.paths[requestFrom].post.requestBody.content['application/json'].schema;
			operation.requestBody = { content: { 'application/json': { schema } } };
		}
		return operation;
	};
	return {
		openapi: '3.0.1',
		info: { title: 'Halo API as used by MSP PSA', version: '1' },
		paths: {
			'/Tickets': {
				get: op('listTickets', list('tickets', 'Faults')),
				post: op('saveTickets', oneOrMany('Faults'), '/Tickets'),
			},
			'/Tickets/{id}': { get: op('getTicket', ref('Faults')) },
			'/Actions': {
				get: op('listActions', list('actions', 'Actions')),
				post: op('saveActions', oneOrMany('Actions'), '/Actions'),
			},
			'/Status': { get: op('listStatuses', arrayOf('TStatus')) },
			'/TicketType': { get: op('listTicketTypes', arrayOf('RequestType')) },
			'/Team': { get: op('listTeams', arrayOf('SectionDetail')) },
			'/Priority': { get: op('listPriorities', arrayOf('Policy')) },
			'/Client': { get: op('listClients', list('clients', 'Area')) },
			'/Client/{id}': { get: op('getClient', ref('Area')) },
			'/Asset': { get: op('listAssets', list('assets', 'Device')) },
			'/Asset/{id}': { get: op('getAsset', ref('Device')) },
		},
		components: shallowComponents(spec),
	};
}

/** Schemas the node reads, plus the nested ones it reads inside them (ticket assets, custom fields, asset fields). */
const USED = [
	'Faults',
	'Actions',
	'TStatus',
	'RequestType',
	'SectionDetail',
	'Policy',
	'Area',
	'Device',
	'Device_List',
	'CustomField',
	'FieldHelper',
];

/**
 * Halo's schemas reference each other in cycles (Faults -> Actions -> Faults ...), which the
 * validator cannot dereference. Each used schema is kept with all its own properties and types
 * (additionalProperties stays false); a reference to a schema outside USED is reduced to its
 * JSON type (object or array of objects), so records are checked field by field one level deep.
 */
function shallowComponents(spec) {
	const schemas = {};
	const reduce = (def) => {
		if (def.$ref) {
			const name = def.$ref.split('/').pop();
			return USED.includes(name) ? def : { type: 'object', nullable: true };
		}
		if (def.type === 'array' && def.items && def.items.$ref)
			return { ...def, items: reduce(def.items) };
		return def;
	};
	for (const name of USED) {
		const schema = JSON.parse(JSON.stringify(spec.components.schemas[name]));
		for (const [prop, def] of Object.entries(schema.properties || {}))
			schema.properties[prop] = reduce(def);
		schemas[name] = schema;
	}
	return { schemas };
}

/**
 * The spec marks some untyped properties (e.g. CustomField.value) `nullable`, which OpenAPI 3.0
 * only defines next to a `type`; an untyped schema already admits null, so the flag is dropped.
 */
function dropUntypedNullable(node) {
	if (Array.isArray(node)) return node.forEach(dropUntypedNullable);
	if (!node || typeof node !== 'object') return;
	if (node.nullable !== undefined && node.type === undefined) delete node.nullable;
	Object.values(node).forEach(dropUntypedNullable);
}

function prepare(spec) {
	dropUntypedNullable(spec.components);
	return definition(spec);
}

function customizeAjv(ajv) {
	ajv.addFormat('date-time', dateTime);
	ajv.addFormat('date-span', dateSpan);
	ajv.addFormat('uuid', uuid);
	return ajv;
}

module.exports = { prepare, customizeAjv };
