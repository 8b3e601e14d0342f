import {
	EXTERNAL_XREF_MAX,
	externalXRefOf,
} from '../../../nodes/MspPsa/providers/connectwise/mappers';

/** Falcon composite alert ids of one host share their first 85 characters and differ at the end. */
const falconAlert = (suffix: string) =>
	`edr-threat:8693deb4bf134cfb8855ee118d9a0243:ind:5388c592189444ad9e84df071c8f3954:12119912898-10304-${suffix}`;

describe('ConnectWise externalXRef for a long external reference', () => {
	it('keeps a reference that fits as it is', () => {
		expect(externalXRefOf('patch:1004:2026-12')).toBe('patch:1004:2026-12');
		const exact = 'x'.repeat(EXTERNAL_XREF_MAX);
		expect(externalXRefOf(exact)).toBe(exact);
	});

	it('shortens a longer one to 100 characters, the same every time, different for references that differ only at the end', () => {
		const a = falconAlert('117513744');
		const b = falconAlert('117513745');
		expect(a.length).toBeGreaterThan(EXTERNAL_XREF_MAX);
		expect(externalXRefOf(a)).toHaveLength(EXTERNAL_XREF_MAX);
		expect(externalXRefOf(a)).toBe(externalXRefOf(`${a}`));
		expect(externalXRefOf(a)).toMatch(
			/^edr-threat:8693deb4bf134cfb8855ee118d9a0243:ind:.{37}~[0-9a-f]{14}$/,
		);
		expect(externalXRefOf(a)).not.toBe(externalXRefOf(b));
	});
});
