/**
 * How the demo's simulated people behave on the built-in phone network, so the quick start shows
 * the whole loop: every household's daughter answers and presses 1 a few seconds into the call
 * (she is going), the son answers and presses 2, the neighbour does not pick up, the grid worker's
 * phone goes to voicemail, the resident's own phone just rings. The patrol answers and listens.
 * Each number carries its owner's name for the emulator's phones panel.
 */
import type { PersonScript } from "@helpkey/firmware-sim/phone-network";
import { DEMO_HOUSEHOLDS, demoContacts, demoPhone, demoResidentName, fiction } from "./seed";

export const DAUGHTER_PRESSES_AFTER_S = 4;

const behaviour: PersonScript[] = [
  { answerAfterS: 3, press: "1", pressAfterS: DAUGHTER_PRESSES_AFTER_S },
  { answerAfterS: 4, press: "2" },
  { never: true },
  { voicemail: true },
];

export function demoPeople(): Record<string, PersonScript> {
  const book: Record<string, PersonScript> = {
    [fiction(0)]: { name: "值班主管 / supervisor" },
    [fiction(1)]: { name: "巡逻队员老赵" },
    [fiction(2)]: { name: "Patrol Sam" },
  };
  for (let i = 0; i < DEMO_HOUSEHOLDS; i++) {
    demoContacts(i).forEach((c, k) => (book[c.phone] = { ...behaviour[k]!, name: c.name }));
    book[demoPhone(i, 5)] = { never: true, name: demoResidentName(i) };
  }
  return book;
}

/** Gives the demo's numbers their scripts on a phone network (the built-in emulator of a demo start). */
export function scriptDemoPeople(network: { setPerson(phone: string, script: PersonScript): void }): void {
  for (const [phone, script] of Object.entries(demoPeople())) network.setPerson(phone, script);
}
