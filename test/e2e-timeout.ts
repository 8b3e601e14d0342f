// The e2e tier installs and boots a real n8n: individual steps take minutes, not seconds.
jest.setTimeout(600_000);
