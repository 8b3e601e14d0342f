export { startSandbox, type Sandbox, type SandboxOptions, type ResetOptions } from './server';
export type { FaultProfile, FaultSettings } from './faults';
export { ScenarioError } from './scenario/errors';
export type { DeviceAnswer, DeviceChange, DeviceEnrolment } from './scenario/devices';
export type { InjectedThreat, ThreatInjection } from './scenario/threats';
export type { RequestLogEntry } from './requestLog';
export type { SandboxVendor, VendorContext, VendorId, N8nCredentialEntry } from './vendor';
export type * from './world/types';
