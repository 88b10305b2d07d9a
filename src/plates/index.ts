/** The plates room's reading surface (the sightings, hotlists and search rooms sit beside it). */
export { normalisePlate, plateKey, cleanPlateText, DEFAULT_GRAMMARS, type GrammarName, type NormalisedPlate, type PlateGrammar } from './grammar/index';
export { PlateReader, type PlateRead, type PlateReaderOptions } from './read/reader';
export { PlateVoter, type VotedRead } from './read/vote';
