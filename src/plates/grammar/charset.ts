/** Characters that can appear on the plates the grammars know, plus the separators OCR reads between them. */

/** Mainland Chinese province (and region) abbreviations, first character of an ordinary plate. */
export const CN_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
/** Characters that close special mainland plates (police, learner, Hong Kong/Macau cross-boundary, trailer, consulate). */
export const CN_SUFFIXES = '警学港澳挂领使';
export const LATIN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const DIGITS = '0123456789';
/** Read between characters (the middle dot on mainland plates, hyphens, spaces); stripped by normalisation. */
export const SEPARATORS = '·.-• ';

export const PLATE_CHARSET: ReadonlySet<string> = new Set([...CN_PROVINCES, ...CN_SUFFIXES, ...LATIN, ...DIGITS, ...'·.-']);
