/**
 * The AWS service icons architecture diagrams may use (`logos:aws-lambda`, …), as an Iconify pack
 * mermaid registers. Only the `aws-*` icons of the logos set: the build trims the set to these too
 * (esbuild.mjs), so the on-demand mermaid bundle grows by them alone and needs no network.
 */

export interface IconifyJson {
  prefix: string;
  icons: Record<string, { body: string; width?: number; height?: number }>;
  aliases?: Record<string, { parent: string }>;
  width?: number;
  height?: number;
}

/** The pack's name in diagrams: `service fn(logos:aws-lambda)[Orders]`. */
export const ICON_PACK = 'logos';

export function isAwsIcon(name: string): boolean {
  return name === 'aws' || name.startsWith('aws-');
}

/** The AWS subset of an Iconify set (aliases to AWS icons kept, others dropped). */
export function awsIconPack(set: IconifyJson): IconifyJson {
  const icons = Object.fromEntries(Object.entries(set.icons).filter(([name]) => isAwsIcon(name)));
  const aliases = Object.fromEntries(
    Object.entries(set.aliases ?? {}).filter(([name, alias]) => isAwsIcon(name) && alias.parent in icons),
  );
  return {
    prefix: set.prefix,
    icons,
    ...(Object.keys(aliases).length > 0 ? { aliases } : {}),
    ...(set.width !== undefined ? { width: set.width } : {}),
    ...(set.height !== undefined ? { height: set.height } : {}),
  };
}
