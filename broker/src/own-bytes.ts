/**
 * mqtt-packet parses without copying: a packet's payload is a view into the socket read it came in,
 * and keeping the payload keeps that whole read alive, whatever else it held: a device's CONNECT,
 * secret included, when the device sent it in the same write. What the broker keeps for long (a
 * Last Will, a retained message) it keeps as its own bytes instead: a copy in memory of its own,
 * not in Node's shared pool, so it shares memory with nothing else either.
 */
export function ownBytes(payload: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(payload.length);
  payload.copy(copy);
  return copy;
}
