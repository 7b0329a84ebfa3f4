/**
 * The catalog directory and the files its YAML points at (schemas, maps, certificates, workflow
 * definitions). A referenced file must stay inside the directory: no absolute path, no `..`, and no
 * symbolic link that resolves outside it (checked on the real path), so a catalog cannot make the
 * program upload an arbitrary file of the machine it runs on.
 */
import * as fs from "fs";
import * as path from "path";

export type FileRead = { readonly ok: true; readonly bytes: Buffer } | FileRefusal;

export interface FileRefusal {
  readonly ok: false;
  readonly message: string;
  readonly fix: string;
}

export class CatalogDirectory {
  private readonly realRoot: string;

  /**
   * @param root        absolute path of the catalog directory (it must exist)
   * @param displayRoot directory that file names in messages are relative to
   */
  constructor(
    readonly root: string,
    private readonly displayRoot: string,
  ) {
    this.realRoot = fs.realpathSync(root);
  }

  /** `p` (absolute) as shown in messages. */
  display(p: string): string {
    return path.relative(this.displayRoot, p) || ".";
  }

  /** `rel` (relative to the catalog) as shown in messages. */
  displayRelative(rel: string): string {
    return this.display(path.resolve(this.root, rel));
  }

  /**
   * Reads `rel`, a path relative to the catalog directory. Refuses paths that leave the directory,
   * files that do not exist, and files larger than `maxBytes`.
   */
  read(rel: string, maxBytes?: { readonly bytes: number; readonly refusal: (size: number) => FileRefusal }): FileRead {
    const inside = "give a path relative to the catalog directory, to a file inside it (copy the file in if needed)";
    if (path.isAbsolute(rel) || path.win32.isAbsolute(rel)) {
      return {
        ok: false,
        message: "is an absolute path; catalog files must be inside the catalog directory",
        fix: inside,
      };
    }
    if (rel.split(/[\\/]/).includes("..")) {
      return {
        ok: false,
        message: "leaves the catalog directory ('..'); catalog files must be inside it",
        fix: inside,
      };
    }
    const abs = path.resolve(this.root, rel);
    let real: string;
    let stat: fs.Stats;
    try {
      real = fs.realpathSync(abs);
      stat = fs.statSync(real);
    } catch {
      return {
        ok: false,
        message: `names a file that does not exist (${this.display(abs)})`,
        fix: "fix the path (relative to the catalog directory) or add the file",
      };
    }
    if (real !== this.realRoot && !real.startsWith(this.realRoot + path.sep)) {
      return {
        ok: false,
        message: `resolves through a symbolic link to ${real}, outside the catalog directory`,
        fix: "replace the link with a copy of the file inside the catalog directory",
      };
    }
    if (!stat.isFile()) {
      return { ok: false, message: `is not a file (${this.display(abs)})`, fix: "point it at a file" };
    }
    if (maxBytes !== undefined && stat.size > maxBytes.bytes) return maxBytes.refusal(stat.size);
    return { ok: true, bytes: fs.readFileSync(real) };
  }
}
