import { config } from '@n8n/node-cli/eslint';

export default [
	...config,
	{
		ignores: [
			'dist/**',
			'sandbox/**',
			'test/**',
			'scripts/**',
			'bench/**',
			'.cache/**',
			'jest.config.js',
			'gulpfile.js',
			'eslint.config.mjs',
		],
	},
];
