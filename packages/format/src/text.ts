// Measuring strings the way Mattermost's Go code does, without allocating.

/** Code points in `text` (Go's utf8.RuneCountInString); a lone surrogate counts as one. */
export function runeLength(text: string): number {
  let count = text.length;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        index++;
      }
    }
  }
  return count;
}

/** UTF-8 bytes of `text` (Go's len), lone surrogates encoded as U+FFFD (3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** True when `text` has more than `max` runes; cheap for short strings. */
export function exceedsRunes(text: string, max: number): boolean {
  // A rune takes one or two UTF-16 units, so these bounds decide most strings at once.
  if (text.length <= max) return false;
  if (text.length > 2 * max) return true;
  return runeLength(text) > max;
}

/** True when `text` has more than `max` UTF-8 bytes; cheap for short strings. */
export function exceedsBytes(text: string, max: number): boolean {
  // A UTF-16 unit is one to three bytes.
  if (text.length * 3 <= max) return false;
  if (text.length > max) return true;
  return utf8Length(text) > max;
}
