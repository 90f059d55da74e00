/** A number to show beside a refused phone number: a mobile number of the country, as people there write it. */
import { getExampleNumber, type CountryCode } from "libphonenumber-js/max";
import examples from "libphonenumber-js/mobile/examples";

export function phoneExample(region: string): string | null {
  return getExampleNumber(region.toUpperCase() as CountryCode, examples)?.formatNational() ?? null;
}
