/**
 * What the ingress resources (components/ingress.ts) and the runbook (runbook/ingress.ts) agree on,
 * in a module without Pulumi imports so the runbook loads fast.
 */

/** The response header with which a gateway names its region (probe answers and forwarded responses). */
export const REGION_HEADER = "x-b2bdr-region";
