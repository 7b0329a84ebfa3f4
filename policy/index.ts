/**
 * The b2b-dr policy pack: `pulumi preview --policy-pack policy` (any backend). The constructor
 * starts the analyzer server, so tests import `policies.ts` instead of this file.
 */
import { PolicyPack } from "@pulumi/policy";
import { resourcePolicies, stackPolicies } from "./policies";

new PolicyPack("b2b-dr", { policies: [...resourcePolicies, ...stackPolicies] });
