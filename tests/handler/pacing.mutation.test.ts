/**
 * Cases that pin handler/pacing.ts down where mutation testing (npm run mutate) found a change no
 * other test noticed.
 */
import { createChannelPacer } from "../../handler/pacing";

const T = 1_700_000_000_000;

it("a number given to createChannelPacer is the spacing between turns", () => {
  const pacer = createChannelPacer(250);
  pacer.limited("#ops", T + 1_000, T);
  pacer.claim("#ops", pacer.nextTurn("#ops", T));
  expect(pacer.nextTurn("#ops", T)).toBe(T + 1_250);
});

it("a message sent in the same millisecond the 429 arrived reopens the channel (only a later 429 stands)", () => {
  const pacer = createChannelPacer();
  pacer.limited("#ops", T + 50_000, T);
  pacer.succeeded("#ops", T);
  expect(pacer.nextTurn("#ops", T + 1)).toBe(T + 1);
});
