/** ajv formats some vendors' specs use, checked rather than ignored as unknown. */

/** RFC 3339 date-time. */
const dateTime = (value) =>
	/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
	!Number.isNaN(Date.parse(value));
/** .NET TimeSpan, e.g. 01:30:00 or 1.02:00:00. */
const dateSpan = (value) => /^-?(\d+\.)?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value);
const uuid = (value) =>
	/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

module.exports = { dateTime, dateSpan, uuid };
