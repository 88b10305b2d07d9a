export type GrammarName = 'hk' | 'hk_personalised' | 'cn' | 'generic';

/**
 * A plate format. `templates` spell every shape of a valid plate as a sequence of slots (the characters allowed at
 * that position); readers decode against them, and string normalisation fits a text onto them.
 */
export interface PlateGrammar {
  readonly name: GrammarName;
  /**
   * Log-prior added to a read's alignment log-probability when grammars compete: specific formats (0) win over
   * permissive ones unless the image clearly says otherwise.
   */
  readonly prior: number;
  readonly templates: readonly (readonly string[])[];
  /** Extra whole-string check after the slots fit (e.g. at least one digit); default: none. */
  accept?(text: string): boolean;
}

export interface NormalisedPlate {
  text: string;
  grammar: GrammarName;
  /** 0..1: 1 when the text fitted as read, lower for every confusable that had to be swapped. */
  score: number;
}
