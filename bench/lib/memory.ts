import { readFileSync, writeFileSync } from 'fs';

const MB = 1024 * 1024;

function statusKb(field: string): number | undefined {
	try {
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
			readFileSync('/proc/self/status', 'utf8'),
		);
		return match ? Number(match[1]) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Peak resident memory of a stretch of work. On Linux the kernel's high-water mark (VmHWM) is
 * reset first (`5` > /proc/self/clear_refs), so the peak is the work's own, not the process
 * start-up's; elsewhere RSS is sampled every 20 ms (which can miss short spikes, and says so).
 */
export class PeakMemory {
	private sampled = 0;

	private timer: NodeJS.Timeout | undefined;

	private hwmReset = false;

	readonly baselineMb: number;

	constructor() {
		(globalThis as { gc?: () => void }).gc?.();
		this.baselineMb = process.memoryUsage().rss / MB;
		try {
			writeFileSync('/proc/self/clear_refs', '5');
			this.hwmReset = statusKb('VmHWM') !== undefined;
		} catch {
			this.hwmReset = false;
		}
		this.sampled = this.baselineMb;
		this.timer = setInterval(() => this.sample(), 20);
		this.timer.unref();
	}

	/** Call inside long synchronous loops, where the interval cannot fire. */
	sample(): void {
		this.sampled = Math.max(this.sampled, process.memoryUsage().rss / MB);
	}

	stop(): { peakMb: number; source: 'VmHWM' | 'sampled' } {
		this.sample();
		if (this.timer) clearInterval(this.timer);
		const hwmKb = this.hwmReset ? statusKb('VmHWM') : undefined;
		if (hwmKb !== undefined)
			return { peakMb: Math.max(hwmKb / 1024, this.sampled), source: 'VmHWM' };
		return { peakMb: this.sampled, source: 'sampled' };
	}
}
