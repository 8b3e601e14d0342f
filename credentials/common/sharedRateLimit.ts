import type { INodeProperties } from 'n8n-workflow';

/**
 * "Shared Rate Limit (Redis)": the same fields on every vendor credential. In queue mode (a main
 * instance and several workers) each process would otherwise pace the credential on its own, and
 * together they overrun the vendor's budget. With these set, every process that uses the credential
 * takes its slots from one budget kept in this Redis (usually the one queue mode already runs).
 *
 * On the credential rather than a node option or a credential of its own: the budget belongs to
 * the vendor account, and every node, workflow and worker that uses the account reads this
 * credential, so none of them can forget to share. n8n has no way for one credential to refer to
 * another, and a second credential picked per node could be left out on one node and overrun the
 * budget again. The fields are never sent to the vendor.
 */
const SHOW = { show: { sharedRateLimit: [true] } };

export function sharedRateLimitProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Share Rate Limit Across Workers (Redis)',
			name: 'sharedRateLimit',
			type: 'boolean',
			default: false,
			description:
				'Whether every n8n process using this credential (queue mode: main instance and workers) shares one vendor rate limit through Redis. Off: each process paces this credential on its own.',
		},
		{
			displayName:
				'Give the Redis that queue mode uses (the QUEUE_BULL_REDIS_* settings of your n8n processes) or any other Redis every worker reaches. If it is unreachable, each process paces on its own and slows down when the vendor answers 429.',
			name: 'sharedRateLimitNotice',
			type: 'notice',
			default: '',
			displayOptions: SHOW,
		},
		{
			displayName: 'Redis Host',
			name: 'sharedRateLimitHost',
			type: 'string',
			default: 'localhost',
			placeholder: 'redis',
			required: true,
			displayOptions: SHOW,
		},
		{
			displayName: 'Redis Port',
			name: 'sharedRateLimitPort',
			type: 'number',
			default: 6379,
			displayOptions: SHOW,
		},
		{
			displayName: 'Redis Database',
			name: 'sharedRateLimitDatabase',
			type: 'number',
			default: 0,
			displayOptions: SHOW,
		},
		{
			displayName: 'Redis User',
			name: 'sharedRateLimitUser',
			type: 'string',
			default: '',
			description: 'Only for a Redis with access control lists (ACL); leave empty otherwise',
			displayOptions: SHOW,
		},
		{
			displayName: 'Redis Password',
			name: 'sharedRateLimitPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: SHOW,
		},
		{
			displayName: 'Redis SSL/TLS',
			name: 'sharedRateLimitTls',
			type: 'boolean',
			default: false,
			description: 'Whether to connect to Redis over TLS',
			displayOptions: SHOW,
		},
		{
			displayName: 'Key Prefix',
			name: 'sharedRateLimitKeyPrefix',
			type: 'string',
			default: 'n8n-msp:budget:',
			description:
				"Start of every key the budget uses in Redis (for example to match the Redis user's key pattern). Processes share a budget only when they use the same prefix.",
			displayOptions: SHOW,
		},
	];
}
