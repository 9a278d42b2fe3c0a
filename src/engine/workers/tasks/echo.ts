/** Round-trip probe for the pool (tests and the pool benchmark). */
export default function echo(payload: unknown): unknown {
  return payload;
}
