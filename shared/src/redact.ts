/** Personal data in logs: phone numbers appear masked at info level ("+86138****0001"). */
export function maskPhone(phone: string): string {
  if (phone.length <= 8) return "****";
  return `${phone.slice(0, 6)}****${phone.slice(-4)}`;
}
