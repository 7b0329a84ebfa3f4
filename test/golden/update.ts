/**
 * `npm run urns:update`: renders the sample pair in every phase and rewrites test/golden/urns/, the
 * URNs test/urns.test.ts pins. Run it only for an intended change of logical names, after adding
 * aliases for renamed or re-parented resources that exist on a real stack; commit the files.
 */
import * as fs from "fs";
import * as path from "path";
import { DR_PHASES } from "../../model/config";
import { renderPair } from "../../plan/render";
import { STACKS } from "../../plan/types";
import { urnFile, urnList } from "../../plan/urns";

export const GOLDEN_URNS = path.join(__dirname, "urns");

async function main(): Promise<number> {
  fs.mkdirSync(GOLDEN_URNS, { recursive: true });
  for (const phase of DR_PHASES) {
    process.stderr.write(`urns: rendering phase ${phase}\n`);
    const pair = await renderPair({ phase });
    for (const stack of STACKS) {
      const file = path.join(GOLDEN_URNS, urnFile(stack, phase));
      fs.writeFileSync(file, urnList(pair[stack]));
      console.log(`${path.relative(process.cwd(), file)}: ${pair[stack].resources.length + 1} URNs`);
    }
  }
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`urns: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(2);
    },
  );
}
