/** True for a loopback peer (IPv4 127/8, IPv6 ::1, IPv4-mapped 127/8): the `/_sim/*` control paths answer only these. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
