export * from './common';
export * from './psa';
export * from './rmm';
export * from './edr';
export * from './evidence';
export * from './triage';
