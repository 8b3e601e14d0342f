export * from './types';
export { Transport } from './Transport';
export { Pacer, pacerFor, profilePacer } from './pacing';
export type { PacerOptions } from './pacing';
export {
	budgetKeyOf,
	budgetStoreFor,
	closeSharedBudgets,
	RedisBudgetStore,
	SharedPacer,
	sharedBudgetConfigOf,
	sharedPacerFor,
} from './sharedBudget';
export type {
	BudgetNotice,
	RedisClient,
	RedisClientFactory,
	Slot,
	SharedBudgetConfig,
} from './sharedBudget';
export { DryRunStop, findDryRunStop } from './dryRun';
export { commonErrorMessage, fieldErrors } from './errorBody';
export { httpError, networkError, vendorMessageOf } from './errors';
export type { ErrorContext } from './errors';
export { normalizeHeaders, parseLinkHeader, responseFromError } from './response';
export type { FailedResponse } from './response';
export {
	backoffDelay,
	isIdempotent,
	isRead,
	isRetryable,
	networkErrorCode,
	parseRetryAfter,
} from './retry';
export { resolveUrl } from './credentialInfo';
