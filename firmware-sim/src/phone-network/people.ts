/**
 * Simulated people: how the owner of each phone number behaves when texted or called
 * (contacts answer, ignore, go to voicemail, press 1 or 2, reply "1").
 */
import { z } from "zod";

export const personScriptSchema = z.object({
  /** Who owns the number, for the phones panel ("王丽（女儿）"); no effect on behaviour. */
  name: z.string().max(100).optional(),
  /** Seconds of ringing before they pick up (default 3). */
  answerAfterS: z.number().nonnegative().optional(),
  /** Key pressed at the first <Gather> (null or absent: nothing). */
  press: z.enum(["1", "2"]).nullable().optional(),
  /**
   * Seconds from the start of the Gather's prompt to the key press; a key pressed while the prompt
   * plays cuts it short, as Twilio's barge-in does. Default: 1 s after the prompt has finished. A
   * press later than the Gather's timeout is no press.
   */
  pressAfterS: z.number().nonnegative().optional(),
  /** Seconds from answer to the answering-machine detection result (default 2 for a person, 3 for voicemail). */
  amdAfterS: z.number().nonnegative().optional(),
  /** Never answers: rings until the call's Timeout, then no-answer. */
  never: z.literal(true).optional(),
  /** A voicemail answers: answering-machine detection says machine_start. */
  voicemail: z.literal(true).optional(),
  busy: z.literal(true).optional(),
  /** Not a valid number: the API refuses it with 400 / 21211. */
  invalid: z.literal(true).optional(),
  /** Text sent back after receiving an SMS, e.g. "1". */
  replySms: z.string().min(1).max(1600).optional(),
  /** Seconds before that reply (default 2). */
  replyAfterS: z.number().nonnegative().optional(),
}).strict();
export type PersonScript = z.infer<typeof personScriptSchema>;

/** A phone book file for the CLI: E.164 number → script. */
export const peopleFileSchema = z.record(z.string().regex(/^\+[1-9]\d{6,14}$/, "keys must be E.164 numbers"), personScriptSchema);

export const DEFAULT_PERSON: Readonly<PersonScript> = Object.freeze({ answerAfterS: 3, press: null });

export const PERSON_DEFAULTS = Object.freeze({ answerAfterS: 3, pressAfterS: 1, replyAfterS: 2 });
