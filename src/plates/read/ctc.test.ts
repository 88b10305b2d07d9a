import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CN_PLATE, HK_ORDINARY } from '../grammar/index';
import { decodeTemplate, slotClasses } from './constrained';
import { ctcDecode } from './ctc';
import { PlateDecoder } from './plate-decoder';

/** frames × classes probabilities from a list of per-frame {class: prob} (the rest of the mass on the blank). */
function matrix(dict: readonly string[], frames: Record<string, number>[]): Float32Array {
  const out = new Float32Array(frames.length * dict.length);
  frames.forEach((f, t) => {
    let rest = 1;
    for (const [ch, p] of Object.entries(f)) {
      out[t * dict.length + dict.indexOf(ch)] = p;
      rest -= p;
    }
    out[t * dict.length] = Math.max(0, rest);
  });
  return out;
}

const DICT = ['', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789·皖', ' '];

test('greedy CTC collapses repeats, drops blanks, keeps doubles separated by a blank', () => {
  const p = matrix(DICT, [{ A: 0.9 }, { A: 0.8 }, {}, { '1': 0.9 }, {}, { '1': 0.7 }, { '1': 0.9 }]);
  const r = ctcDecode(p, 7, DICT.length, { dict: DICT });
  assert.equal(r.text, 'A11');
  assert.deepEqual(r.chars.map((c) => Math.round(c.prob * 10) / 10), [0.9, 0.9, 0.9], 'each character keeps its strongest frame');
  assert.ok(Math.abs(r.score - 0.9) < 1e-6);
});

test('greedy CTC keeps the top-k alternatives per character and honours the allowed mask', () => {
  const p = matrix(DICT, [{ '8': 0.5, B: 0.4, S: 0.05 }, {}, { O: 0.6, '0': 0.3 }]);
  const r = ctcDecode(p, 3, DICT.length, { dict: DICT, topK: 2 });
  assert.equal(r.text, '8O');
  assert.deepEqual(r.chars[0]!.alts.map((a) => a.char), ['8', 'B']);
  const allowed = new Uint8Array(DICT.length).fill(1);
  allowed[DICT.indexOf('O')] = 0;
  assert.equal(ctcDecode(p, 3, DICT.length, { dict: DICT, allowed }).text, '80');
});

test('template decoding fixes confusables by position and recovers a faint character', () => {
  // "8" ranked first where a letter must stand: the letter slot takes the B the model ranked second.
  const p = matrix(DICT, [{ '8': 0.6, B: 0.35 }, {}, { '1': 0.9 }, {}, { '2': 0.9 }]);
  const r = decodeTemplate(p, 5, DICT.length, DICT, ['AB', '0123456789', '0123456789'].map((s) => slotClasses(DICT, s)));
  assert.equal(r?.text, 'B12');
  // Greedy drops the faint province character; the mainland template needs one there and finds it.
  const cn = matrix(DICT, [{ 皖: 0.3 }, { A: 0.9 }, {}, { '1': 0.9 }, {}, { '2': 0.9 }, {}, { '3': 0.9 }, {}, { '4': 0.9 }, {}, { '5': 0.9 }]);
  assert.equal(ctcDecode(cn, 12, DICT.length, { dict: DICT }).text, 'A12345');
  assert.equal(new PlateDecoder(DICT, [CN_PLATE, HK_ORDINARY]).decode(cn, 12, DICT.length)?.text, '皖A12345');
});

test('template decoding does not merge different characters into one slot to fit a shorter template', () => {
  const p = matrix(DICT, [{ A: 0.99 }, {}, { C: 0.99 }, { ' ': 0.99 }, { '8': 0.99 }, { '7': 0.99 }, { '9': 0.99 }, {}, { '9': 0.99 }]);
  const d = new PlateDecoder(DICT, [HK_ORDINARY]);
  assert.equal(d.decode(p, 9, DICT.length)?.text, 'AC8799');
});

test('the plate decoder folds separators into the blank and scores a swapped confusable by the whole group', () => {
  const p = matrix(DICT, [{ 皖: 0.95 }, { A: 0.95 }, { '·': 0.9 }, { O: 0.9, '0': 0.08 }, {}, { '5': 0.95 }, {}, { '2': 0.95 }, {}, { '7': 0.95 }, {}, { '9': 0.95 }]);
  const r = new PlateDecoder(DICT).decode(p, 12, DICT.length);
  assert.equal(r?.text, '皖A05279');
  assert.equal(r?.grammar, 'cn');
  assert.ok(r!.score > 0.9, `O read where only 0 may stand counts for the 0 (score ${r!.score})`);
});
