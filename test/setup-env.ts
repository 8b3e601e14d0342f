import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// n8n-core's InstanceSettings writes an encryption key under the user folder on first use:
// keep every test run away from the real ~/.n8n.
if (!process.env.N8N_USER_FOLDER?.includes('msp-test-')) {
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'msp-test-'));
}
