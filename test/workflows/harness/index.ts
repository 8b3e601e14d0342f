export { runWorkflow } from './run-workflow';
export type { RunWorkflowOptions, WorkflowJson, WorkflowRunResult } from './run-workflow';
export { CredentialStore, HarnessCredentialsHelper } from './credentials-helper';
export { loadPackageTypes, NodeTypeRegistry, REPO_ROOT } from './node-types';
export { BUILT_IN_NODE_TYPES } from './built-in-nodes';
export { installedBaseDir, loadInstalledBaseNode } from './installed-base-nodes';
