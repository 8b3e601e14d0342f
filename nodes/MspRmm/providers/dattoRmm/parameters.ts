import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { DattoComponent } from './schemas';

/**
 * Script parameters as a quick job takes them: `jobComponent.variables[{name, value}]`, written
 * `name=value` pairs separated by `|` (as for Automate). The names must be variables of the
 * component and the values convertible to their types, or Datto refuses the job.
 */
function pairs(parameters: string): string[] {
	return parameters.split('|').filter((pair) => pair.trim() !== '');
}

/** What is wrong with the text as component variables, or undefined when every pair is `name=value`. */
export function variablesProblem(parameters: string): string | undefined {
	const bad = pairs(parameters).find((pair) => !/^\s*[^=\s][^=]*=/.test(pair));
	if (bad === undefined) return undefined;
	return `"${bad.trim()}" is not a name=value pair: Datto RMM takes a component's variables as name=value pairs separated by |, for example Days=14|Drive=C`;
}

/** The pairs as the quick job's variables, each checked against the component's own variables. */
export function componentVariables(
	node: INode,
	parameters: string,
	component: DattoComponent,
): Array<{ name: string; value: string }> {
	const known = (component.variables ?? []).map((v) => v.name);
	return pairs(parameters).map((pair) => {
		const at = pair.indexOf('=');
		const name = pair.slice(0, at).trim();
		if (!known.includes(name))
			throw new NodeOperationError(
				node,
				`Variable "${name}" is not a variable of the Datto RMM component "${component.name}"`,
				{
					description: known.length
						? `Its variables are: ${known.join(', ')}.`
						: 'This component has no variables: leave Parameters empty.',
				},
			);
		return { name, value: pair.slice(at + 1) };
	});
}
