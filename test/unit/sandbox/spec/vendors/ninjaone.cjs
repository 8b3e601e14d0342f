/* NinjaOne's official OpenAPI 3 spec (NinjaRMM-API-v2.json) is used as published. */
module.exports = {
	prepare: (spec) => spec,
};
