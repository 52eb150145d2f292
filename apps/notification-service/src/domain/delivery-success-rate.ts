/**
 * The webhook success rate: of the deliveries that settled either way, the share a receiver answered with a
 * 2xx. A pending delivery has no outcome yet and a cancelled one was never sent (its endpoint was deleted), so
 * neither counts for or against. With none settled there is no rate: null, which neither 0 nor 1 would say.
 */
export function deliverySuccessRate({ succeeded, failed }: { succeeded: number; failed: number }): number | null {
  const settled = succeeded + failed;
  return settled === 0 ? null : succeeded / settled;
}
