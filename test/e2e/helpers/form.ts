/**
 * An n8n Form Trigger page as a browser uses it: GET the page, read the form's fields from its HTML, fill them by
 * their labels, and submit the way the page's own script does (n8n 2.x `form-trigger.handlebars`): a
 * `multipart/form-data` POST of every named form element (`field-0`, `field-1`... with hidden fields prefilled from
 * the link's query) to the page's own address, query included.
 */

/** A desktop browser: the approval form ignores bots, as n8n's `ignoreBots` option decides from this header. */
export const BROWSER_USER_AGENT =
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

export interface FormField {
	/** The element's name, which n8n reads back by position (`field-<index>`). */
	name: string;
	/** The visible label; a hidden field has none. */
	label?: string;
	kind: 'input' | 'hidden' | 'select' | 'textarea';
	/** What the page filled in (a hidden field's value from the query, a select's selected option). */
	value: string;
	/** A select's options. */
	options?: string[];
}

const decode = (text: string) =>
	text
		.replace(/&#x27;/g, "'")
		.replace(/&#x3D;/g, '=')
		.replace(/&#x60;/g, '`')
		.replace(/&quot;/g, '"')
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');

const attribute = (tag: string, name: string) =>
	decode(
		new RegExp(`\\s${name}=(?:'([^']*)'|"([^"]*)")`)
			.exec(tag)
			?.slice(1)
			.find((v) => v !== undefined) ?? '',
	);

/** The fields of the page's form, in document order (the order the page's script appends them). */
export function formFields(html: string): FormField[] {
	const form = /<form[\s\S]*?<\/form>/.exec(html)?.[0];
	if (!form) throw new Error(`no form on the page:\n${html.slice(0, 2000)}`);
	const labels = new Map<string, string>();
	for (const m of form.matchAll(/<label[^>]*\sfor=['"]([^'"]+)['"][^>]*>([\s\S]*?)<\/label>/g))
		labels.set(m[1], decode(m[2].trim()));
	const fields: FormField[] = [];
	const elements = /<(input|select|textarea)\b([^>]*)>([\s\S]*?<\/\1>)?/g;
	for (const m of form.matchAll(elements)) {
		const [, tag, attrs, inner = ''] = m;
		const name = attribute(` ${attrs}`, 'name');
		if (!name) continue;
		const type = attribute(` ${attrs}`, 'type');
		if (tag === 'select') {
			const options = [...inner.matchAll(/<option value=['"]([^'"]*)['"]([^>]*)>/g)];
			const selected = options.find((o) => /\bselected\b/.test(o[2]));
			fields.push({
				name,
				label: labels.get(name),
				kind: 'select',
				value: selected ? decode(selected[1]) : '',
				options: options.map((o) => decode(o[1])).filter(Boolean),
			});
		} else if (tag === 'textarea') {
			const text = /^([\s\S]*?)<\/textarea>/.exec(inner)?.[1] ?? '';
			fields.push({ name, label: labels.get(name), kind: 'textarea', value: decode(text) });
		} else if (type !== 'file' && type !== 'checkbox') {
			fields.push({
				name,
				label: labels.get(name),
				kind: type === 'hidden' ? 'hidden' : 'input',
				value: attribute(` ${attrs}`, 'value'),
			});
		}
	}
	return fields;
}

/** GETs the form page (a plain visit: what a person, a link scanner or a preview does). */
export async function openForm(url: string): Promise<{ status: number; html: string }> {
	const response = await fetch(url, { headers: { 'user-agent': BROWSER_USER_AGENT } });
	return { status: response.status, html: await response.text() };
}

/**
 * Opens the form at `url`, fills the fields named in `answers` (by label; a select only takes one of its options)
 * and submits it. Fields not answered keep what the page filled in. Returns n8n's answer.
 */
export async function submitForm(
	url: string,
	answers: Record<string, string>,
): Promise<{ status: number; body: string; fields: FormField[] }> {
	const page = await openForm(url);
	if (page.status !== 200)
		throw new Error(`GET ${url}: ${page.status}\n${page.html.slice(0, 2000)}`);
	const fields = formFields(page.html);
	const body = new FormData();
	for (const field of fields) {
		let value = field.value;
		if (field.label !== undefined && field.label in answers) {
			value = answers[field.label];
			if (field.kind === 'select' && !field.options?.includes(value))
				throw new Error(`${field.label} offers ${field.options?.join(', ')}, not ${value}`);
		}
		body.append(field.name, value);
	}
	const unknown = Object.keys(answers).filter((label) => !fields.some((f) => f.label === label));
	if (unknown.length) throw new Error(`the form has no field labelled ${unknown.join(', ')}`);
	const response = await fetch(url, {
		method: 'POST',
		body,
		headers: { 'user-agent': BROWSER_USER_AGENT },
	});
	return { status: response.status, body: await response.text(), fields };
}
