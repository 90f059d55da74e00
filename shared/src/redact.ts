/**
 * A phone number as logs at info and above show it: the first three characters (the country code
 * of "+86…") and the last four digits, with a fixed run of stars that hides the length too.
 */
export function maskPhone(phone: string): string {
  if (phone.length <= 8) return "****";
  return `${phone.slice(0, 3)}******${phone.slice(-4)}`;
}
