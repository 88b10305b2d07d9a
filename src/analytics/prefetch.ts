/**
 * Reads up to `ahead` items of `source` before the consumer asks for them, so a producer in another
 * process (ffmpeg decoding the next frames) works while the consumer (the detector) works on the
 * current one. Bounded: at most `ahead` items wait. An error of the source reaches the consumer at
 * the item where it happened; returning early stops the source.
 */
export async function* prefetch<T>(source: AsyncIterable<T>, ahead: number): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const pending: Array<Promise<IteratorResult<T>>> = [];
  let ended = false;
  const fill = () => {
    while (!ended && pending.length < ahead) {
      const next = it.next();
      pending.push(next);
      next.then(
        (r) => {
          if (r.done) ended = true;
        },
        () => {
          ended = true;
        },
      );
    }
  };
  try {
    fill();
    while (pending.length) {
      const r = await pending.shift()!;
      if (r.done) return;
      fill();
      yield r.value;
    }
  } finally {
    // Early return (cancel) or an error: let the source clean up (kill its ffmpeg).
    await it.return?.(undefined);
  }
}
