export { startSandbox, type Sandbox, type SandboxOptions, type ResetOptions } from './server';
export type { FaultProfile, FaultSettings } from './faults';
export type { RequestLogEntry } from './requestLog';
export type { SandboxVendor, VendorContext, VendorId, N8nCredentialEntry } from './vendor';
export type * from './world/types';
