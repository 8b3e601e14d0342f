/** Three tiers, selected with `jest --selectProjects <name>`. */
const tsJest = [
	'ts-jest',
	{ tsconfig: 'tsconfig.dev.json', isolatedModules: true, diagnostics: false },
];

const tier = (name, extra = {}) => ({
	displayName: name,
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
	setupFiles: ['<rootDir>/test/setup-env.ts'],
	// dist/ carries a copy of package.json and .cache/ a whole n8n install: neither holds tests.
	modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.cache/'],
	...extra,
});

module.exports = {
	projects: [
		tier('unit'),
		tier('workflows'),
		tier('e2e', { setupFilesAfterEnv: ['<rootDir>/test/e2e-timeout.ts'] }),
	],
};
