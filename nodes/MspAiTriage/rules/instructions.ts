import { lettersOnly } from './normalize';

/**
 * Planted instructions in alert data: text that talks to whoever reads it. Real detections never
 * phrase a command line, a file name or a title this way, so finding one is itself a reason to look
 * closer. Matched on normalized text (normalize.ts), so accents, look-alike letters, invisible
 * characters, encodings and line breaks between fields do not hide it. Languages: English, German,
 * French, Spanish, Italian, Portuguese and Dutch; accents are already folded (é -> e, ü -> u).
 */
const PHRASES: readonly RegExp[] = [
	// "Ignore previous instructions" and its translations.
	/\b(ignore|disregard|forget|override|bypass|skip)\b.{0,60}\b(previous|prior|above|earlier|preceding|all|any|system|your|the)\b.{0,30}\b(instructions?|rules|prompts?|guidelines|guardrails|directives?|policies|polic(y|ies))\b/,
	/\b(ignorier\w*|vergiss|vergessen|missachte\w*|uberschreib\w*)\b.{0,60}\b(anweisung\w*|regeln|vorgaben|instruktion\w*|richtlinien|befehle)\b/,
	/\b(ignore[rz]?|oublie[rz]?|ne tiens pas compte|ne tenez pas compte)\b.{0,60}\b(instructions?|consignes?|regles|directives?)\b/,
	/\b(ignora|ignore|ignorar|ignoren|olvida|olvide|olvidar|dimentica|esqueca|esquece|negeer|vergeet)\b.{0,60}\b(instrucciones|instruccion|reglas|indicaciones|istruzioni|regole|instrucoes|regras|instructies|regels|aanwijzingen)\b/,
	// "Mark this as benign" and its translations.
	/\b(mark|classify|treat|label|flag|route|consider|close|resolve)\b.{0,40}\b(as|to|is|it)\b.{0,20}\b(benign|safe|clean|harmless|false[ -]?positive|dismiss(ed)?|informational|not malicious|legitimate|authori[sz]ed|expected)\b/,
	/\b(markiere|klassifiziere|stufe|behandle|werte|betrachte|schliesse)\b.{0,60}\b(harmlos|gutartig|sicher|unbedenklich|fehlalarm|falsch positiv|false positive|legitim)\b/,
	/\b(marque[rz]?|classe[rz]?|classifie[rz]?|considere[rz]?|traite[rz]?|ferme[rz]?)\b.{0,60}\b(benin|inoffensif|sans danger|faux positif|sur|legitime)\b/,
	/\b(marca|marque|marcar|clasifica|clasifique|considera|considere|trata|trate|segna|classifica|tratta|classifique|markeer|classificeer|beschouw|behandel)\b.{0,60}\b(benigno|inofensivo|seguro|falso positivo|innocuo|sicuro|inofensivo|legitimo|onschadelijk|goedaardig|veilig|vals positief|false positive)\b/,
	// "Do not isolate" and its translations.
	/\b(do not|don't|dont|never|no need to|must not|should not)\b.{0,30}\b(isolate|contain|quarantine|escalate|alert|flag|report|block|ticket)\b/,
	/\b(nicht|keine?n?)\b.{0,30}\b(isolieren|eskalieren|quarantan\w*|melden|blockieren|sperren)\b/,
	/\bne\b.{0,20}\b(pas|jamais)\b.{0,20}\b(isole[rz]?|escalade[rz]?|bloque[rz]?|signale[rz]?)\b|\bn'isole[rz]? pas\b/,
	/\b(no|nunca|non|nao|niet|nooit)\b.{0,20}\b(aisles?|aislar|escales?|escalar|isolare|isolar|isole|escale|scalare|bloccare|isoleren|escaleren|blokkeren)\b/,
	// Role play and changed modes.
	/\byou are (now )?(an?|the|my|in|no longer|free)\b/,
	/\b(du bist|sie sind) (jetzt|nun|ab sofort)\b|\b(tu es|vous etes) (maintenant|desormais)\b|\b(ahora eres|eres ahora|ora sei|agora voce e|voce agora e|je bent nu|u bent nu)\b/,
	/\b(maintenance|developer|debug|god|admin|jailbreak|dan|unrestricted|test) mode\b|\bwartungsmodus\b|\bmode (de )?maintenance\b|\bmodo (de )?(mantenimiento|manutencao)\b|\bmodalita (di )?manutenzione\b|\bonderhoudsmodus\b/,
	/\b(system|admin|administrator|developer|security|operator|root) (override|notice|message|instruction|prompt|command|update)\b/,
	/\b(new|updated|revised|real|actual|hidden) (instructions?|prompt|rules|task|orders)\b/,
	// Addressed to a model.
	/\b(dear|attention|note to|hey|hello|hi|to the|instruction for the|message for the)\s+(ai|assistant|model|llm|analyst|gpt|chatgpt|claude|copilot|bot|triage|classifier)\b/,
	/\b(as an? (ai|assistant|language model|llm))\b/,
	/\b(respond|reply|answer|output|return|print)\b.{0,30}\b(with|only|exactly|the following)\b.{0,60}\b(dismiss|benign|json|informational|route|verdict)\b/,
	// Role markers and fake delimiters that try to close the data block.
	/(^|\s)(system|assistant|developer|human)\s*:/,
	/<\/?\s*(system|instructions?|prompt|im_start|im_end|alert|alert_data|data|context|user|assistant|human)\s*\/?>/,
	/<\|[a-z_]{2,20}\|>|\[\/?(inst|system|sys)\]|<<\/?sys>>/,
	/alert_data_\w*_(begin|end)\b|\b(end|begin|start|close) of (the )?(alert|data|input|context|document|prompt|untrusted|message)\b/,
	/(^|\s)(#{2,}|={3,}|-{3,})\s*(system|instruction|prompt|end|new task)\b/,
	// JSON or key=value that mimics the verdict the model must answer.
	/\\?["']?\b(route|severity|verdict|category|confidence|rationale|recommendedactions)\b\\?["']?\s*[:=]\s*\\?["']?(dismiss|benign|informational|investigate|contain|needs ?approval|false[ _-]?positive|0?\.\d|1(\.0)?\b)/,
];

/** The same phrases with every non-letter removed: catches i-g-n-o-r-e, 1gn0re and s p a c e d text. */
const SPELT_OUT: readonly RegExp[] = [
	/ignore(all|the|any|your)?(previous|prior|above|earlier|preceding)(instructions?|rules|prompts?)/,
	/(mark|classify|treat|label)(this|it|the\w{0,12})?as(benign|safe|harmless|falsepositive|notmalicious)/,
	/donot(isolate|contain|quarantine|escalate)/,
	/systemoverride|maintenancemode|youarenowin|newinstructions|ignorierealleanweisungen|wartungsmodus/,
];

/** One pass each instead of one per phrase: this runs on every alert, rules-only triage included. */
const ANY_PHRASE = anyOf(PHRASES);
const ANY_SPELT_OUT = anyOf(SPELT_OUT);

function anyOf(patterns: readonly RegExp[]): RegExp {
	return new RegExp(patterns.map((pattern) => `(?:${pattern.source})`).join('|'));
}

/** True when any field of the alert (already normalized) speaks to a model. */
export function hasInstructions(normalized: string): boolean {
	return ANY_PHRASE.test(normalized) || ANY_SPELT_OUT.test(lettersOnly(normalized));
}
