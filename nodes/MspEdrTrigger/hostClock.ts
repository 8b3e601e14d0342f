/**
 * The n8n host's clock. The trigger keeps its checkpoint on the vendor's clock; it reads this one only
 * to place the first poll's window before the vendor has answered, and as the fallback when a vendor
 * response carries no `Date`. Tests replace `now` to run the host ahead of or behind the vendor.
 */
export const hostClock = {
	now: (): number => Date.now(),
};
