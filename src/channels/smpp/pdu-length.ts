/**
 * Follows PDU boundaries in the octets read off an SMPP socket and reports the first command_length that no PDU
 * can have: under the 16-octet header, or above the largest PDU the `smpp` package reads.
 *
 * The wrapper needs this because the package's reader never rejects nor skips such a PDU: it takes the first four
 * octets as the length and waits for that many. 0 reads as "no length yet" and the stream is read out of step
 * from there; 1 to 4 ask the socket for nothing and wait forever; 5 to 15 throw inside the reader, which then stops
 * reading for good; above its maximum it throws too. Either way nothing answers the SMSC, and the link sits
 * silent until enquire_link gives up.
 */
export const HEADER_OCTETS = 16;

const LENGTH_OCTETS = 4;

/**
 * Feed it every octet in order, split anywhere. After it has reported a length it ignores the rest: the stream
 * cannot be read in step beyond a PDU whose length is wrong.
 */
export function createLengthGuard(
  maxLength: number,
  onUnreadable: (commandLength: number) => void,
): (octets: Buffer) => void {
  let lengthOctets = Buffer.alloc(0);
  let bodyLeft = 0;
  let stopped = false;

  return (octets) => {
    let at = 0;
    while (!stopped && at < octets.length) {
      if (bodyLeft > 0) {
        const taken = Math.min(bodyLeft, octets.length - at);
        bodyLeft -= taken;
        at += taken;
        continue;
      }
      const needed = LENGTH_OCTETS - lengthOctets.length;
      lengthOctets = Buffer.concat([lengthOctets, octets.subarray(at, at + needed)]);
      at += needed;
      if (lengthOctets.length < LENGTH_OCTETS) return;
      const commandLength = lengthOctets.readUInt32BE(0);
      lengthOctets = Buffer.alloc(0);
      if (commandLength < HEADER_OCTETS || commandLength > maxLength) {
        stopped = true;
        onUnreadable(commandLength);
        return;
      }
      bodyLeft = commandLength - LENGTH_OCTETS;
    }
  };
}
